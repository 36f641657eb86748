import { useEffect, useRef } from 'react';
import { useT } from '../../ui/i18n.js';
import { AppFrame } from '../../ui/layout.js';
import { Link, Router, usePath } from '../../ui/router.js';
import { BASE } from './base.js';
import { messages } from './messages.js';
import { routes } from './routes.js';
import { useWallet, WalletProvider } from './wallet-state.js';
import './wallet.css';

function Nav() {
  const t = useT(messages);
  const path = usePath(BASE);
  const items: [string, string][] = [
    ['/', t('navHome')],
    ['/scan', t('navScan')],
    ['/history', t('navHistory')],
    ['/security', t('navSecurity')],
  ];
  return (
    <>
      {items.map(([to, label]) => (
        <Link key={to} base={BASE} to={to} current={path === to}>
          {label}
        </Link>
      ))}
    </>
  );
}

function Frame() {
  const t = useT(messages);
  const wallet = useWallet();
  const path = usePath(BASE);
  const firstPath = useRef(true);
  useEffect(() => {
    document.title = t('title');
  }, [t]);
  // A new screen: move focus to its content, so a screen reader starts reading there.
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    document.getElementById('main')?.focus();
  }, [path]);
  return (
    <AppFrame
      title={t('title')}
      languageLabel={t('language')}
      nav={wallet.state === 'ready' ? <Nav /> : undefined}
    >
      <Router base={BASE} routes={routes} notFound={<p>{t('notFound')}</p>} />
    </AppFrame>
  );
}

export function App() {
  return (
    <WalletProvider>
      <Frame />
    </WalletProvider>
  );
}
