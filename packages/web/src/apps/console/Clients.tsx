import { useCallback, useEffect, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { useProblem } from '../../ui/use-problem.js';
import { messages } from './messages.js';
import { useStaff } from './session.js';

interface ClientJson {
  client_id: string;
  client_name: string;
  environment: 'sandbox' | 'production';
  status: 'active' | 'disabled';
  redirect_uris?: string[];
  allowed_claims?: string[];
  /** A built-in client of the platform's own web apps: it can be disabled, nothing else. */
  built_in?: boolean;
}

/** Relying parties: review sandbox clients, promote, rotate secrets, disable. */
export function Clients() {
  const t = useT(messages);
  const { call } = useStaff();
  const [filter, setFilter] = useState<'' | 'sandbox' | 'production'>('sandbox');
  const [clients, setClients] = useState<ClientJson[]>([]);
  const { problem, run } = useProblem();
  const [secret, setSecret] = useState<{ clientId: string; secret: string } | undefined>();

  const load = useCallback(
    () =>
      run(async () => {
        const q = filter ? `?environment=${filter}` : '';
        setClients((await call<{ clients: ClientJson[] }>(`/admin/v1/clients${q}`)).clients);
      }),
    [call, filter, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const act = (id: string, action: 'promote' | 'disable' | 'enable' | 'secret') =>
    run(async () => {
      if (action === 'promote' && !window.confirm(t('confirmPromote'))) return;
      const answer = await call<ClientJson & { client_secret?: string }>(
        `/admin/v1/clients/${encodeURIComponent(id)}/${action}`,
        { method: 'POST' },
      );
      if (answer.client_secret) setSecret({ clientId: id, secret: answer.client_secret });
      await load();
    });

  return (
    <section className="card">
      <h2>{t('clientsTitle')}</h2>
      <div className="row">
        <label htmlFor="c-filter">{t('fieldEnvironment')}</label>
        <select
          id="c-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value as typeof filter)}
          className="narrow"
        >
          <option value="">{t('filterAll')}</option>
          <option value="sandbox">{t('envSandbox')}</option>
          <option value="production">{t('envProduction')}</option>
        </select>
      </div>
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      {secret ? (
        <div className="notice notice-ok" data-testid="client-secret">
          <strong>{t('secretOnce', { clientId: secret.clientId })}</strong>
          <p className="code">{secret.secret}</p>
        </div>
      ) : null}
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>{t('fieldName')}</th>
              <th>{t('colClientId')}</th>
              <th>{t('fieldEnvironment')}</th>
              <th>{t('fieldStatus')}</th>
              <th>{t('colRedirects')}</th>
              <th>{t('colActions')}</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((c) => (
              <tr key={c.client_id} data-testid={`client-${c.client_id}`}>
                <td>{c.client_name}</td>
                <td className="code small">{c.client_id}</td>
                <td>{c.environment === 'production' ? t('envProduction') : t('envSandbox')}</td>
                <td>{c.status === 'active' ? t('statusActive') : t('statusDisabled')}</td>
                <td className="small">{(c.redirect_uris ?? []).join(' ')}</td>
                <td>
                  <div className="row">
                    {c.environment === 'sandbox' && !c.built_in ? (
                      <button type="button" onClick={() => void act(c.client_id, 'promote')}>
                        {t('promote')}
                      </button>
                    ) : null}
                    {c.built_in ? null : (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => void act(c.client_id, 'secret')}
                      >
                        {t('rotateSecret')}
                      </button>
                    )}
                    {c.status === 'active' ? (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => void act(c.client_id, 'disable')}
                      >
                        {t('disable')}
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => void act(c.client_id, 'enable')}
                      >
                        {t('enable')}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
