import type { HistoryEntry, HistoryKind } from '@openmid/protocol';
import { useCallback, useEffect, useState } from 'react';
import { ApiProblem, api } from '../../ui/api.js';
import { useLanguage, useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { HistoryFilters, HistoryList } from '../wallet/history-list.js';
import { messages as walletMessages } from '../wallet/messages.js';
import { type MessageKey, messages } from './messages.js';

interface Session {
  nationalId: string;
  givenName: string;
  familyName: string;
  csrfToken: string;
}

interface Overview {
  person: { nationalId: string; givenName: string; familyName: string };
  devices: {
    deviceId: string;
    name: string | null;
    status: 'active' | 'suspended' | 'revoked';
    keyStore: string;
    createdAt: string;
    certificates: {
      serialHex: string;
      purpose: string;
      status: string;
      notBefore: string;
      notAfter: string;
      current: boolean;
    }[];
  }[];
}

const LOGIN_ERRORS = new Set([
  'access_denied',
  'national_id_not_released',
  'subject_mismatch',
  'person_inactive',
  'expired',
  'no_login',
  'invalid_response',
]);

function LogIn() {
  const t = useT(messages);
  const { lang } = useLanguage();
  const error = new URLSearchParams(window.location.search).get('login_error');
  return (
    <section className="card portal-login" aria-labelledby="login-title">
      <h2 id="login-title">{t('loginTitle')}</h2>
      <p>{t('loginText')}</p>
      {error && (
        <ErrorNotice
          title={t(LOGIN_ERRORS.has(error) ? (`loginError_${error}` as MessageKey) : 'loginFailed')}
        />
      )}
      <a
        className="button"
        href={`/web-login/v1/citizen/login?return_to=${encodeURIComponent('/portal/')}&lang=${encodeURIComponent(lang)}`}
        data-testid="portal-login"
      >
        {t('loginButton')}
      </a>
    </section>
  );
}

function Devices({
  overview,
  csrfToken,
  onChange,
}: {
  overview: Overview;
  csrfToken: string;
  onChange: () => void;
}) {
  const t = useT(messages);
  const { lang } = useLanguage();
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const date = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', day: 'numeric' });
  const suspend = async (deviceId: string) => {
    try {
      await api(`/portal/v1/devices/${encodeURIComponent(deviceId)}/suspend`, {
        method: 'POST',
        headers: { 'x-csrf-token': csrfToken },
      });
      setConfirming(undefined);
      setDone(deviceId);
      setError(undefined);
      onChange();
    } catch (err) {
      setError(err instanceof ApiProblem && !err.isNetwork ? err.title : t('noConnection'));
    }
  };
  const statusKey = (s: string): MessageKey =>
    s === 'active' ? 'statusActive' : s === 'suspended' ? 'statusSuspended' : 'statusRevoked';
  const shown = overview.devices.filter((d) => d.status !== 'revoked');
  return (
    <section className="card" aria-labelledby="devices-title">
      <h2 id="devices-title">{t('devicesTitle')}</h2>
      {error && <ErrorNotice title={error} />}
      {done && (
        <div className="notice notice-ok" role="status" data-testid="suspended-notice">
          {t('suspendedNotice')}
        </div>
      )}
      {shown.length === 0 && <p className="muted">{t('noDevices')}</p>}
      {shown.map((d) => (
        <article key={d.deviceId} className="device" data-testid="device">
          <h3>
            {d.name ?? t('unnamedDevice')}{' '}
            <span className={`status status-${d.status}`} data-testid="device-status">
              {t(statusKey(d.status))}
            </span>
          </h3>
          <p className="muted">
            {t('activatedOn', { date: date.format(new Date(d.createdAt)) })} ·{' '}
            {t(d.keyStore === 'hardware' ? 'keyStoreHardware' : 'keyStoreSoftware')}
          </p>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{t('certificatesTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('certPurpose')}</th>
                  <th scope="col">{t('certStatus')}</th>
                  <th scope="col">{t('certValid')}</th>
                  <th scope="col">{t('certSerial')}</th>
                </tr>
              </thead>
              <tbody>
                {d.certificates
                  .filter((c) => c.current)
                  .map((c) => (
                    <tr key={c.serialHex}>
                      <td>{t(c.purpose === 'sign' ? 'certSign' : 'certAuth')}</td>
                      <td>{t(`cert_${c.status}` as MessageKey)}</td>
                      <td>
                        {date.format(new Date(c.notBefore))} – {date.format(new Date(c.notAfter))}
                      </td>
                      <td>
                        <code title={c.serialHex}>{c.serialHex.slice(0, 8)}…</code>
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          {d.status === 'active' &&
            (confirming === d.deviceId ? (
              <div className="notice notice-warn" role="alert">
                <p>{t('suspendConfirm')}</p>
                <div className="row">
                  <button
                    type="button"
                    className="danger"
                    onClick={() => void suspend(d.deviceId)}
                    data-testid="suspend-confirm"
                  >
                    {t('suspendYes')}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setConfirming(undefined)}
                  >
                    {t('cancel')}
                  </button>
                </div>
              </div>
            ) : (
              <button
                type="button"
                className="danger"
                onClick={() => setConfirming(d.deviceId)}
                data-testid="suspend"
              >
                {t('suspend')}
              </button>
            ))}
          {d.status === 'suspended' && <p className="muted">{t('resumeWithOfficer')}</p>}
        </article>
      ))}
    </section>
  );
}

function PortalHistory() {
  const t = useT(messages);
  const tw = useT(walletMessages);
  const { lang } = useLanguage();
  const [kind, setKind] = useState<HistoryKind | 'all'>('all');
  const [entries, setEntries] = useState<HistoryEntry[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    async (filter: HistoryKind | 'all', before?: string) => {
      const q = new URLSearchParams({ limit: '50' });
      if (filter !== 'all') q.set('kind', filter);
      if (before) q.set('before', before);
      try {
        const page = await api<{ entries: HistoryEntry[]; next?: string }>(
          `/portal/v1/history?${q}`,
        );
        setEntries((old) => (before ? [...(old ?? []), ...page.entries] : page.entries));
        setNext(page.next);
        setError(undefined);
      } catch {
        setError(t('historyFailed'));
      }
    },
    [t],
  );
  useEffect(() => {
    void load(kind);
  }, [kind, load]);
  return (
    <section className="card" aria-labelledby="portal-history-title">
      <h2 id="portal-history-title">{t('historyTitle')}</h2>
      <HistoryFilters kind={kind} onChange={setKind} />
      {error && <ErrorNotice title={t('historyFailed')} />}
      {entries === undefined ? (
        <p role="status">{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p className="muted">{tw('historyEmpty')}</p>
      ) : (
        <HistoryList entries={entries} locale={lang} />
      )}
      {next && (
        <button type="button" className="secondary" onClick={() => void load(kind, next)}>
          {tw('historyMore')}
        </button>
      )}
    </section>
  );
}

export function Home() {
  const t = useT(messages);
  const [session, setSession] = useState<Session | null>();
  const [overview, setOverview] = useState<Overview>();
  const [error, setError] = useState<MessageKey>();

  const refresh = useCallback(async () => {
    try {
      setOverview(await api<Overview>('/portal/v1/overview'));
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401) setSession(null);
      else setError('loadFailed');
    }
  }, []);

  useEffect(() => {
    api<({ loggedIn: true } & Session) | { loggedIn: false }>('/portal/v1/session').then(
      (s) => {
        if (!s.loggedIn) {
          setSession(null);
          return;
        }
        setSession(s);
        void refresh();
      },
      () => setError('loadFailed'),
    );
  }, [refresh]);

  const logout = async () => {
    if (!session) return;
    await api('/web-login/v1/citizen/logout', {
      method: 'POST',
      headers: { 'x-csrf-token': session.csrfToken },
    }).catch(() => undefined);
    setSession(null);
    setOverview(undefined);
  };

  if (error) return <ErrorNotice title={t(error)} />;
  if (session === undefined) return <p role="status">{t('loading')}</p>;
  if (session === null) return <LogIn />;
  return (
    <>
      <div className="row portal-top">
        <h2 data-testid="portal-hello">
          {t('hello', { name: `${session.givenName} ${session.familyName}` })}
        </h2>
        <button type="button" className="secondary" onClick={() => void logout()}>
          {t('logout')}
        </button>
      </div>
      <p className="muted">{t('nationalId', { id: session.nationalId })}</p>
      <div className="portal-grid">
        {overview ? (
          <Devices
            overview={overview}
            csrfToken={session.csrfToken}
            onChange={() => void refresh()}
          />
        ) : (
          <p role="status">{t('loading')}</p>
        )}
        <PortalHistory />
      </div>
    </>
  );
}
