import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { type ApiOptions, ApiProblem, api } from '../../ui/api.js';

/** The staff roles of the admin API (docs/admin-api.md). */
export type StaffRole = 'operator' | 'officer' | 'auditor' | 'call_centre';

/** GET /web-login/v1/staff/session (docs/web-login.md). */
export interface StaffSession {
  staffId: string;
  role: StaffRole;
  name: string;
  csrfToken: string;
  expiresAt: string;
}

interface SessionValue {
  /** undefined while loading; null when nobody is logged in. */
  session: StaffSession | null | undefined;
  /** Call the admin API with the session cookie; state-changing calls carry the CSRF token. */
  call: <T>(path: string, options?: ApiOptions) => Promise<T>;
  logout: () => Promise<void>;
  /** A call answered 401: the session ended (idle, absolute, disabled). */
  expired: boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

const SAFE = new Set(['GET', 'HEAD']);

export function StaffSessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<StaffSession | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    api<StaffSession & { authenticated: boolean }>('/web-login/v1/staff/session')
      .then((s) => setSession(s.authenticated ? s : null))
      .catch(() => setSession(null));
  }, []);

  const call = useCallback(
    async <T,>(path: string, options: ApiOptions = {}): Promise<T> => {
      const headers = new Headers(options.headers);
      const method = (options.method ?? 'GET').toUpperCase();
      if (!SAFE.has(method) && session) headers.set('x-csrf-token', session.csrfToken);
      try {
        return await api<T>(path, { ...options, headers });
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 401) {
          setExpired(true);
          setSession(null);
        }
        throw error;
      }
    },
    [session],
  );

  const logout = useCallback(async () => {
    if (session) {
      await api('/web-login/v1/staff/logout', {
        method: 'POST',
        headers: { 'x-csrf-token': session.csrfToken },
      }).catch(() => undefined);
    }
    setSession(null);
  }, [session]);

  return (
    <SessionContext.Provider value={{ session, call, logout, expired }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useStaff(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useStaff outside StaffSessionProvider');
  return value;
}

/** The signed-in staff member (pages render only inside a session). */
export function useSession(): StaffSession {
  const { session } = useStaff();
  if (!session) throw new Error('no staff session');
  return session;
}

/** Where the log-in button goes: the web log-in, back to this page, in this language. */
export function loginHref(lang: string): string {
  const here = `${window.location.pathname}${window.location.search}`.replace(
    /[?&]login_error=[^&]*/,
    '',
  );
  const returnTo = here.startsWith('/console/') ? here : '/console/';
  return `/web-login/v1/staff/login?return_to=${encodeURIComponent(returnTo)}&lang=${encodeURIComponent(lang)}`;
}
