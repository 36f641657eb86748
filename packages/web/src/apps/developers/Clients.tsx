import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { useProblem } from '../../ui/use-problem.js';
import { messages } from './messages.js';
import { type ClientJson, useDeveloper } from './session.js';

/** Claims a relying party may ask for (docs/oidc.md). */
export const CLAIMS = [
  'given_name',
  'family_name',
  'name',
  'birthdate',
  'age_over_18',
  'nationality',
  'national_id',
  'email',
  'phone_number',
  'address',
  'picture',
] as const;

function ClientForm({
  initial,
  submitLabel,
  onSubmit,
}: {
  initial?: ClientJson;
  submitLabel: string;
  onSubmit: (body: {
    client_name: string;
    redirect_uris: string[];
    allowed_claims: string[];
  }) => Promise<void>;
}) {
  const t = useT(messages);
  const [name, setName] = useState(initial?.client_name ?? '');
  const [redirects, setRedirects] = useState((initial?.redirect_uris ?? []).join('\n'));
  const [claims, setClaims] = useState<string[]>(
    initial?.allowed_claims ?? ['given_name', 'family_name'],
  );
  const id = initial?.client_id ?? 'new';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onSubmit({
      client_name: name.trim(),
      redirect_uris: redirects
        .split('\n')
        .map((r) => r.trim())
        .filter(Boolean),
      allowed_claims: claims,
    });
  };
  return (
    <form onSubmit={submit} data-testid={`client-form-${id}`}>
      <label htmlFor={`cf-name-${id}`}>{t('appName')}</label>
      <input id={`cf-name-${id}`} required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`cf-redirects-${id}`}>{t('redirectUris')}</label>
      <textarea
        id={`cf-redirects-${id}`}
        rows={3}
        required
        value={redirects}
        onChange={(e) => setRedirects(e.target.value)}
      />
      <fieldset className="claims">
        <legend>{t('claims')}</legend>
        {CLAIMS.map((c) => (
          <label key={c} className="check">
            <input
              type="checkbox"
              checked={claims.includes(c)}
              onChange={(e) =>
                setClaims(e.target.checked ? [...claims, c] : claims.filter((x) => x !== c))
              }
            />
            <span className="code">{c}</span>
          </label>
        ))}
      </fieldset>
      <p>
        <button type="submit">{submitLabel}</button>
      </p>
    </form>
  );
}

/** The developer's sandbox clients: create, edit redirect URIs and claims, new secret. */
export function Clients() {
  const t = useT(messages);
  const { call } = useDeveloper();
  const [clients, setClients] = useState<ClientJson[]>([]);
  const [editing, setEditing] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<ClientJson | undefined>();
  const { problem, run } = useProblem();

  const load = useCallback(
    () =>
      run(async () =>
        setClients((await call<{ clients: ClientJson[] }>('/developers/v1/clients')).clients),
      ),
    [call, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      {secret ? (
        <div className="notice notice-ok" data-testid="new-secret">
          <strong>{t('secretOnce')}</strong>
          <p className="code">
            client_id={secret.client_id}
            <br />
            client_secret={secret.client_secret}
          </p>
        </div>
      ) : null}
      {clients.map((c) => (
        <section key={c.client_id} className="card" data-testid={`client-${c.client_id}`}>
          <h2>{c.client_name}</h2>
          <dl className="creds">
            <dt>client_id</dt>
            <dd className="code">{c.client_id}</dd>
            <dt>{t('environment')}</dt>
            <dd>{c.environment === 'sandbox' ? t('envSandbox') : t('envProduction')}</dd>
            <dt>{t('redirectUris')}</dt>
            <dd className="code">{(c.redirect_uris ?? []).join(' ')}</dd>
            <dt>{t('claims')}</dt>
            <dd className="code">{(c.allowed_claims ?? []).join(', ')}</dd>
          </dl>
          {editing === c.client_id ? (
            <ClientForm
              initial={c}
              submitLabel={t('save')}
              onSubmit={(body) =>
                run(async () => {
                  await call(`/developers/v1/clients/${encodeURIComponent(c.client_id)}`, {
                    method: 'PUT',
                    json: body,
                  });
                  setEditing(undefined);
                  await load();
                })
              }
            />
          ) : (
            <div className="row">
              {c.environment === 'sandbox' ? (
                <button type="button" className="secondary" onClick={() => setEditing(c.client_id)}>
                  {t('edit')}
                </button>
              ) : null}
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  void run(async () =>
                    setSecret(
                      await call<ClientJson>(
                        `/developers/v1/clients/${encodeURIComponent(c.client_id)}/secret`,
                        { method: 'POST' },
                      ),
                    ),
                  )
                }
              >
                {t('newSecret')}
              </button>
            </div>
          )}
        </section>
      ))}
      <section className="card">
        {creating ? (
          <ClientForm
            submitLabel={t('create')}
            onSubmit={(body) =>
              run(async () => {
                setSecret(
                  await call<ClientJson>('/developers/v1/clients', { method: 'POST', json: body }),
                );
                setCreating(false);
                await load();
              })
            }
          />
        ) : (
          <button type="button" onClick={() => setCreating(true)}>
            {t('addClient')}
          </button>
        )}
      </section>
    </>
  );
}
