import { useEffect } from 'react';
import { useLanguage, useT } from '../../ui/i18n.js';
import { AppFrame, ErrorNotice } from '../../ui/layout.js';
import { appBase, Link, Router, usePath } from '../../ui/router.js';
import { type MessageKey, messages } from './messages.js';
import { guardedRoutes, routes } from './routes.js';
import { loginHref, StaffSessionProvider, useStaff } from './session.js';

export const BASE = appBase('console');

export function App() {
  return (
    <StaffSessionProvider>
      <Shell />
    </StaffSessionProvider>
  );
}

function Forbidden() {
  const t = useT(messages);
  return (
    <section className="card" data-testid="forbidden">
      <h2>{t('forbiddenTitle')}</h2>
      <p>{t('forbiddenText')}</p>
      <Link base={BASE} to="/" className="button secondary">
        {t('navHome')}
      </Link>
    </section>
  );
}

const LOGIN_ERRORS: Record<string, MessageKey> = {
  access_denied: 'loginErrorDenied',
  not_staff: 'loginErrorNotStaff',
  staff_disabled: 'loginErrorNotStaff',
};

function Login() {
  const t = useT(messages);
  const { lang } = useLanguage();
  const { expired } = useStaff();
  const error = new URLSearchParams(window.location.search).get('login_error');
  return (
    <section className="card console-login">
      <h2>{t('loginTitle')}</h2>
      {expired ? <div className="notice notice-warn">{t('sessionExpired')}</div> : null}
      {error ? <ErrorNotice title={t(LOGIN_ERRORS[error] ?? 'loginErrorOther')} /> : null}
      <p>{t('loginIntro')}</p>
      <a className="button" href={loginHref(lang)} data-testid="log-in">
        {t('loginButton')}
      </a>
    </section>
  );
}

function Shell() {
  const t = useT(messages);
  const { session, logout } = useStaff();
  const path = usePath(BASE);
  useEffect(() => {
    document.title = t('title');
  }, [t]);

  if (session === undefined) {
    return (
      <AppFrame title={t('title')} languageLabel={t('language')}>
        <p className="muted">{t('loading')}</p>
      </AppFrame>
    );
  }
  if (session === null) {
    return (
      <AppFrame title={t('title')} languageLabel={t('language')}>
        <Login />
      </AppFrame>
    );
  }
  const nav = routes
    .filter((r) => r.nav && r.roles.includes(session.role))
    .map((r) => {
      const current = r.path === '/' ? path === '/' : path.startsWith(r.path);
      return (
        <span key={r.path} aria-current={current ? 'page' : undefined}>
          <Link base={BASE} to={r.path}>
            {t(r.nav as MessageKey)}
          </Link>
        </span>
      );
    });
  return (
    <AppFrame
      title={t('title')}
      languageLabel={t('language')}
      nav={
        <>
          {nav}
          <span className="console-user">
            <span data-testid="whoami">
              {t('loggedInAs', { name: session.name, role: t(`role_${session.role}`) })}
            </span>
            <button type="button" className="secondary small" onClick={() => void logout()}>
              {t('logout')}
            </button>
          </span>
        </>
      }
    >
      <Router
        base={BASE}
        routes={guardedRoutes(session.role, <Forbidden />)}
        notFound={<p>{t('notFound')}</p>}
      />
    </AppFrame>
  );
}
