import { isDeviceError, PIN_LENGTH, type PinCounters, pinName } from '@openmid/device/browser';
import type { DeviceKeyPurpose, DeviceStatusResponse } from '@openmid/protocol';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { messages } from './messages.js';
import { NotActivated } from './NotActivated.js';
import { PinPad } from './PinPad.js';
import { useWallet } from './wallet-state.js';

function Unblock({ initial, onDone }: { initial: DeviceKeyPurpose; onDone: () => void }) {
  const t = useT(messages);
  const { client } = useWallet();
  const [purpose, setPurpose] = useState<DeviceKeyPurpose>(initial);
  const [puk, setPuk] = useState('');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!client) return;
    const { min, max } = PIN_LENGTH[purpose];
    if (!/^[0-9]+$/.test(pin) || pin.length < min || pin.length > max) {
      setError(t(purpose === 'auth' ? 'pin1Rules' : 'pin2Rules'));
      return;
    }
    if (pin !== again) {
      setError(t('pinMismatch'));
      return;
    }
    setBusy(true);
    try {
      await client.keyStore.unblockPin(purpose, puk.trim(), pin);
      await client.sendEvent({ type: 'pin_unblocked', key: purpose }).catch(() => undefined);
      setError(undefined);
      setDone(true);
      setPuk('');
      setPin('');
      setAgain('');
      onDone();
    } catch (err) {
      setError(
        isDeviceError(err, 'PUK_INVALID')
          ? t('pukWrong', { n: err.triesLeft ?? 0 })
          : isDeviceError(err, 'PUK_BLOCKED')
            ? t('pukBlocked')
            : t('pukFormat'),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="unblock-title">
      <h3 id="unblock-title">{t('unblockTitle')}</h3>
      <p className="muted">{t('unblockText')}</p>
      {done && (
        <div className="notice notice-ok" role="status" data-testid="unblocked">
          {t('unblocked', { pin: pinName(purpose) })}
        </div>
      )}
      {error && <ErrorNotice title={error} />}
      <label htmlFor="which">{t('whichPin')}</label>
      <select
        id="which"
        value={purpose}
        onChange={(e) => setPurpose(e.target.value === 'sign' ? 'sign' : 'auth')}
      >
        <option value="auth">PIN1</option>
        <option value="sign">PIN2</option>
      </select>
      <label htmlFor="puk">{t('pukLabel')}</label>
      <input
        id="puk"
        inputMode="numeric"
        autoComplete="off"
        value={puk}
        onChange={(e) => setPuk(e.target.value)}
        data-testid="unblock-puk"
      />
      <PinPad
        label={t('newPin')}
        value={pin}
        onChange={setPin}
        testId="unblock-pin"
        eraseLabel={t('erase')}
        keypad={false}
      />
      <PinPad
        label={t('pinAgainLabel')}
        value={again}
        onChange={setAgain}
        testId="unblock-pin-again"
        eraseLabel={t('erase')}
        keypad={false}
      />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('unblock')}
        </button>
      </div>
    </form>
  );
}

export function Security() {
  const t = useT(messages);
  const wallet = useWallet();
  const [counters, setCounters] = useState<PinCounters>();
  const [status, setStatus] = useState<DeviceStatusResponse>();
  const [confirmForget, setConfirmForget] = useState(false);
  const wanted = new URLSearchParams(window.location.search).get('unblock');

  const refresh = useCallback(() => {
    const client = wallet.client;
    if (!client) return;
    client.keyStore.pinCounters().then(setCounters, () => undefined);
    client.status().then(setStatus, () => undefined);
  }, [wallet.client]);
  useEffect(refresh, [refresh]);

  if (wallet.state === 'none') return <NotActivated />;
  const statusKey =
    status?.status === 'suspended'
      ? 'statusSuspended'
      : status?.status === 'revoked'
        ? 'statusRevoked'
        : 'statusActive';
  const blocked = counters && (counters.pin1.blocked || counters.pin2.blocked);
  return (
    <>
      <h2>{t('securityTitle')}</h2>
      <section className="card" aria-labelledby="pins-title">
        <h3 id="pins-title">{t('pinsTitle')}</h3>
        {counters ? (
          <ul data-testid="pin-counters">
            <li>
              {counters.pin1.blocked
                ? t('pinIsBlocked', { pin: 'PIN1' })
                : t('triesLeft', { pin: 'PIN1', n: counters.pin1.triesLeft })}
            </li>
            <li>
              {counters.pin2.blocked
                ? t('pinIsBlocked', { pin: 'PIN2' })
                : t('triesLeft', { pin: 'PIN2', n: counters.pin2.triesLeft })}
            </li>
            <li>{t('pukTriesLeft', { n: counters.puk.triesLeft })}</li>
          </ul>
        ) : (
          <p role="status">{t('loading')}</p>
        )}
      </section>
      {(blocked || wanted) && (
        <Unblock
          initial={
            wanted === 'sign' || (counters?.pin2.blocked && !counters.pin1.blocked)
              ? 'sign'
              : 'auth'
          }
          onDone={refresh}
        />
      )}
      <section className="card" aria-labelledby="device-title">
        <h3 id="device-title">{t('deviceTitle')}</h3>
        {status ? (
          <>
            <p data-testid="device-status">{t(statusKey)}</p>
            <ul>
              {status.certificates.map((c) => (
                <li key={c.serialHex}>
                  {t(c.purpose === 'auth' ? 'certAuth' : 'certSign')}:{' '}
                  {t(
                    c.status === 'good'
                      ? 'certGood'
                      : c.status === 'revoked'
                        ? 'certRevoked'
                        : 'certOnHold',
                  )}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="muted">{wallet.offline ? t('offlineNote') : t('loading')}</p>
        )}
        <p className="muted">{t('lostPhone')}</p>
      </section>
      <section className="card">
        {confirmForget ? (
          <>
            <p role="alert">{t('forgetConfirm')}</p>
            <div className="actions">
              <button type="button" className="danger" onClick={() => void wallet.reset()}>
                {t('forget')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirmForget(false)}>
                {t('cancel')}
              </button>
            </div>
          </>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirmForget(true)}>
            {t('forget')}
          </button>
        )}
      </section>
    </>
  );
}
