import { type FormEvent, useState } from 'react';
import { api } from '../../ui/api.js';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { useProblem } from '../../ui/use-problem.js';
import { messages } from './messages.js';
import { type ClientJson, useDeveloper } from './session.js';

/** Sign up for the sandbox (self-service), or log in with one of your client ids and secrets. */
export function Welcome() {
  const t = useT(messages);
  const { reload } = useDeveloper();
  const [signup, setSignup] = useState({
    email: '',
    name: '',
    app: '',
    redirect: 'http://localhost:3000/callback',
  });
  const [login, setLogin] = useState({ clientId: '', clientSecret: '' });
  const [created, setCreated] = useState<ClientJson | undefined>();
  const { problem, run } = useProblem();

  const onSignup = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const answer = await api<{ client: ClientJson }>('/developers/v1/signup', {
        method: 'POST',
        json: {
          email: signup.email,
          name: signup.name,
          client: {
            client_name: signup.app,
            redirect_uris: [signup.redirect.trim()],
            allowed_claims: ['given_name', 'family_name', 'birthdate', 'age_over_18'],
          },
        },
      });
      setCreated(answer.client);
    });
  };
  const onLogin = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('/developers/v1/login', { method: 'POST', json: login });
      await reload();
    });
  };

  if (created) {
    return (
      <section className="card" data-testid="signed-up">
        <h2>{t('signedUpTitle')}</h2>
        <p>{t('secretOnce')}</p>
        <dl className="creds">
          <dt>client_id</dt>
          <dd className="code" data-testid="client-id">
            {created.client_id}
          </dd>
          <dt>client_secret</dt>
          <dd className="code" data-testid="client-secret">
            {created.client_secret}
          </dd>
        </dl>
        <button type="button" onClick={() => void reload()} data-testid="continue">
          {t('continue')}
        </button>
      </section>
    );
  }
  return (
    <>
      <section className="card">
        <h2>{t('signupTitle')}</h2>
        <p className="muted">{t('signupIntro')}</p>
        <form onSubmit={onSignup}>
          <label htmlFor="su-email">{t('email')}</label>
          <input
            id="su-email"
            type="email"
            required
            value={signup.email}
            onChange={(e) => setSignup({ ...signup, email: e.target.value })}
          />
          <label htmlFor="su-name">{t('name')}</label>
          <input
            id="su-name"
            required
            value={signup.name}
            onChange={(e) => setSignup({ ...signup, name: e.target.value })}
          />
          <label htmlFor="su-app">{t('appName')}</label>
          <input
            id="su-app"
            required
            value={signup.app}
            onChange={(e) => setSignup({ ...signup, app: e.target.value })}
          />
          <label htmlFor="su-redirect">{t('redirectUri')}</label>
          <input
            id="su-redirect"
            type="url"
            required
            value={signup.redirect}
            onChange={(e) => setSignup({ ...signup, redirect: e.target.value })}
          />
          <p>
            <button type="submit" data-testid="signup">
              {t('signup')}
            </button>
          </p>
        </form>
      </section>
      {problem ? <ErrorNotice title={problem.title} detail={problem.detail} /> : null}
      <section className="card">
        <h2>{t('loginTitle')}</h2>
        <p className="muted">{t('loginIntro')}</p>
        <form onSubmit={onLogin}>
          <label htmlFor="li-id">client_id</label>
          <input
            id="li-id"
            required
            value={login.clientId}
            onChange={(e) => setLogin({ ...login, clientId: e.target.value })}
          />
          <label htmlFor="li-secret">client_secret</label>
          <input
            id="li-secret"
            type="password"
            required
            value={login.clientSecret}
            onChange={(e) => setLogin({ ...login, clientSecret: e.target.value })}
          />
          <p>
            <button type="submit" className="secondary">
              {t('login')}
            </button>
          </p>
        </form>
      </section>
    </>
  );
}
