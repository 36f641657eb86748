import { useEffect } from 'react';
import { useT } from '../../ui/i18n.js';
import { AppFrame } from '../../ui/layout.js';
import { appBase, Link, Router, usePath } from '../../ui/router.js';
import { type MessageKey, messages } from './messages.js';
import { routes } from './routes.js';
import { DeveloperSessionProvider, useDeveloper } from './session.js';
import { Welcome } from './Welcome.js';

export const BASE = appBase('developers');

export function App() {
  return (
    <DeveloperSessionProvider>
      <Shell />
    </DeveloperSessionProvider>
  );
}

function Shell() {
  const t = useT(messages);
  const { session, logout } = useDeveloper();
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
        <Welcome />
      </AppFrame>
    );
  }
  return (
    <AppFrame
      title={t('title')}
      languageLabel={t('language')}
      nav={
        <>
          {routes
            .filter((r) => r.nav)
            .map((r) => (
              <span
                key={r.path}
                aria-current={
                  (r.path === '/' ? path === '/' : path.startsWith(r.path)) ? 'page' : undefined
                }
              >
                <Link base={BASE} to={r.path}>
                  {t(r.nav as MessageKey)}
                </Link>
              </span>
            ))}
          <span className="dev-user" data-testid="whoami">
            {session.name} · {session.email}
          </span>
          <button type="button" className="secondary small" onClick={() => void logout()}>
            {t('logout')}
          </button>
        </>
      }
    >
      <Router base={BASE} routes={routes} notFound={<p>{t('notFound')}</p>} />
    </AppFrame>
  );
}
