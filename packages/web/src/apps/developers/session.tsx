import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { type ApiOptions, api } from '../../ui/api.js';

/** GET /web-login/v1/developer/session (docs/web-login.md, docs/developer-portal.md). */
export interface DeveloperSession {
  developerId: string;
  email: string;
  name: string;
  csrfToken: string;
}

interface Value {
  session: DeveloperSession | null | undefined;
  reload: () => Promise<void>;
  /** An API call with the session cookie; writes carry the CSRF token. */
  call: <T>(path: string, options?: ApiOptions) => Promise<T>;
  logout: () => Promise<void>;
}

const Context = createContext<Value | null>(null);

export function DeveloperSessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<DeveloperSession | null | undefined>();
  const reload = useCallback(async () => {
    const s = await api<DeveloperSession & { authenticated: boolean }>(
      '/web-login/v1/developer/session',
    ).catch(() => undefined);
    setSession(s?.authenticated ? s : null);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const call = useCallback(
    <T,>(path: string, options: ApiOptions = {}) => {
      const headers = new Headers(options.headers);
      const method = (options.method ?? 'GET').toUpperCase();
      if (method !== 'GET' && session) headers.set('x-csrf-token', session.csrfToken);
      return api<T>(path, { ...options, headers });
    },
    [session],
  );
  const logout = useCallback(async () => {
    if (session) {
      await api('/web-login/v1/developer/logout', {
        method: 'POST',
        headers: { 'x-csrf-token': session.csrfToken },
      }).catch(() => undefined);
    }
    setSession(null);
  }, [session]);
  return <Context.Provider value={{ session, reload, call, logout }}>{children}</Context.Provider>;
}

export function useDeveloper(): Value {
  const v = useContext(Context);
  if (!v) throw new Error('useDeveloper outside DeveloperSessionProvider');
  return v;
}

/** A registered client as the portal API returns it (RFC 7591 names). */
export interface ClientJson {
  client_id: string;
  client_secret?: string;
  client_name: string;
  environment: 'sandbox' | 'production';
  status: 'active' | 'disabled';
  redirect_uris?: string[];
  allowed_claims?: string[];
}
