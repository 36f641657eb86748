import { useEffect } from 'react';
import { useT } from '../../ui/i18n.js';
import { AppFrame } from '../../ui/layout.js';
import { appBase, Router } from '../../ui/router.js';
import { messages } from './messages.js';
import { routes } from './routes.js';

export const BASE = appBase('portal');

export function App() {
  const t = useT(messages);
  useEffect(() => {
    document.title = t('title');
  }, [t]);
  return (
    <AppFrame title={t('title')} languageLabel={t('language')}>
      <Router base={BASE} routes={routes} notFound={<p>{t('notFound')}</p>} />
    </AppFrame>
  );
}
