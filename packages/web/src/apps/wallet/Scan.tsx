import { isDeviceError } from '@openmid/device/browser';
import { parseQrPayload } from '@openmid/protocol';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { Link } from '../../ui/router.js';
import { QrScanner } from '../../ui/scanner.js';
import { BASE } from './base.js';
import { messages } from './messages.js';
import { NotActivated } from './NotActivated.js';
import { showRequest } from './Request.js';
import { useWallet } from './wallet-state.js';

/** Claim an RP's QR code (or device link) for this device: the session becomes its request. */
function useClaim() {
  const t = useT(messages);
  const wallet = useWallet();
  const busy = useRef(false);
  const [error, setError] = useState<string>();
  const claim = async (text: string) => {
    if (busy.current || !wallet.client) return;
    if (!parseQrPayload(text)) {
      setError(t('qrNotOurs'));
      return;
    }
    busy.current = true;
    setError(undefined);
    try {
      const request = await wallet.client.claimQr(text);
      if (request) {
        wallet.addPending(request);
        showRequest(request.sessionId);
      }
    } catch (err) {
      setError(
        isDeviceError(err) && err.status === 429
          ? t('qrTooMany')
          : isDeviceError(err, 'NETWORK')
            ? t('noConnection')
            : t('qrRefused'),
      );
    } finally {
      busy.current = false;
    }
  };
  return { claim, error, ready: Boolean(wallet.client), state: wallet.state };
}

/** F11: scan the RP's animated QR code (a new code every second; any current one will do). */
export function Scan() {
  const t = useT(messages);
  const { claim, error, state } = useClaim();
  if (state === 'none') return <NotActivated />;
  return (
    <section className="card" aria-labelledby="scan-title">
      <h2 id="scan-title">{t('scanTitle')}</h2>
      <p>{t('scanHint')}</p>
      {error && <ErrorNotice title={error} />}
      <QrScanner
        onCode={(text) => void claim(text)}
        labels={{
          starting: t('cameraStarting'),
          denied: t('cameraDenied'),
          unavailable: t('cameraUnavailable'),
          video: t('cameraVideo'),
        }}
      />
    </section>
  );
}

/** The same-device link `/wallet/link?t=…&c=…&h=…` an RP opens on the phone it runs on. */
export function DeviceLink() {
  const t = useT(messages);
  const { claim, error, ready, state } = useClaim();
  const started = useRef(false);
  useEffect(() => {
    if (!ready || started.current) return;
    started.current = true;
    void claim(window.location.href);
  }, [ready, claim]);
  if (state === 'none') return <NotActivated />;
  return (
    <section className="card">
      <h2>{t('linkTitle')}</h2>
      {error ? <ErrorNotice title={error} /> : <p role="status">{t('linkOpening')}</p>}
      <Link base={BASE} to="/" className="button secondary">
        {t('goHome')}
      </Link>
    </section>
  );
}
