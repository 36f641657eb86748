import { useEffect, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { Link } from '../../ui/router.js';
import { BASE } from './base.js';
import { Icon } from './icons.js';
import { kindKey } from './labels.js';
import { messages } from './messages.js';
import { enablePush, pushSupported } from './push.js';
import { routes } from './routes.js';
import { useWallet } from './wallet-state.js';

function PushSwitch() {
  const t = useT(messages);
  const { client } = useWallet();
  const [state, setState] = useState<'off' | 'on' | 'working' | 'failed' | 'unsupported'>(() =>
    pushSupported() ? 'off' : 'unsupported',
  );
  useEffect(() => {
    if (!pushSupported()) return;
    navigator.serviceWorker.ready
      .then((reg) => reg.pushManager.getSubscription())
      .then((sub) => {
        if (sub) setState('on');
      })
      .catch(() => undefined);
  }, []);
  if (state === 'unsupported') return <p className="muted">{t('pushUnsupported')}</p>;
  if (state === 'on') return <p className="muted">{t('pushOn')}</p>;
  return (
    <div>
      <button
        type="button"
        className="secondary"
        disabled={state === 'working' || !client}
        onClick={() => {
          if (!client) return;
          setState('working');
          enablePush(client).then(
            (ok) => setState(ok ? 'on' : 'failed'),
            () => setState('failed'),
          );
        }}
      >
        {t('pushEnable')}
      </button>
      {state === 'failed' && <p role="alert">{t('pushFailed')}</p>}
    </div>
  );
}

export function Home() {
  const t = useT(messages);
  const wallet = useWallet();
  if (wallet.state === 'loading') return <p role="status">{t('loading')}</p>;
  if (wallet.state === 'none') {
    return (
      <section className="card">
        <h2>{t('welcomeTitle')}</h2>
        <p>{t('welcomeText')}</p>
        <div className="actions">
          <Link base={BASE} to="/activate" className="button">
            {t('activateStart')}
          </Link>
        </div>
      </section>
    );
  }
  const person = wallet.registration?.person;
  const hasIdCard = routes.some((r) => r.path === '/idcard');
  return (
    <>
      <h2>{t('hello', { name: person ? `${person.givenName} ${person.familyName}` : '' })}</h2>
      {wallet.disabled && (
        <div className="notice notice-error" role="alert">
          {t('deviceDisabled')}
        </div>
      )}
      {wallet.offline && !wallet.disabled && (
        <div className="notice notice-warn" role="status">
          {t('offlineNote')}
        </div>
      )}
      <section aria-labelledby="pending-title">
        <h3 id="pending-title" className="visually-hidden">
          {t('pendingTitle')}
        </h3>
        {wallet.pending.length === 0 ? (
          <p className="card muted" data-testid="no-requests">
            {t('noRequests')}
          </p>
        ) : (
          wallet.pending.map((r) => (
            <div className="card request-card" key={r.sessionId} data-testid="pending-request">
              <span className="kind">{t(kindKey(r))}</span>
              <p>
                <strong>{t('requestFrom', { rp: r.rpName })}</strong>
              </p>
              <Link
                base={BASE}
                to={`/request/${encodeURIComponent(r.sessionId)}`}
                className="button"
              >
                {t('openRequest')}
              </Link>
            </div>
          ))
        )}
      </section>
      <nav className="tiles" aria-label={t('tilesLabel')}>
        <Link base={BASE} to="/scan" className="tile">
          <Icon name="qr" />
          {t('tileScan')}
        </Link>
        <Link base={BASE} to="/history" className="tile">
          <Icon name="list" />
          {t('tileHistory')}
        </Link>
        {/* The ID card screen (engineer idcard: src/apps/wallet/idcard/*, route '/idcard'). */}
        {hasIdCard && (
          <Link base={BASE} to="/idcard" className="tile">
            <Icon name="card" />
            {t('tileIdCard')}
          </Link>
        )}
        <Link base={BASE} to="/security" className="tile">
          <Icon name="lock" />
          {t('tileSecurity')}
        </Link>
      </nav>
      <section className="card">
        <h3>{t('pushTitle')}</h3>
        <PushSwitch />
      </section>
    </>
  );
}
