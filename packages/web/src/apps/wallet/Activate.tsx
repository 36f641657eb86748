import {
  DeviceClient,
  type DeviceRegistration,
  isDeviceError,
  type KeyProvisioning,
  PIN_LENGTH,
  WebCryptoKeyStore,
} from '@openmid/device/browser';
import { type FormEvent, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { navigate } from '../../ui/router.js';
import { QrScanner } from '../../ui/scanner.js';
import { BASE } from './base.js';
import { Icon } from './icons.js';
import { messages } from './messages.js';
import { PinPad } from './PinPad.js';
import { putRecord } from './storage.js';
import { KEYSTORE_RECORD, REGISTRATION_RECORD, serverUrl, useWallet } from './wallet-state.js';

type Step = 'code' | 'pin1' | 'pin2' | 'working' | 'puk' | 'done';

/** PINs anyone would guess first: refused at activation (F6 asks for a chosen secret). */
function isTrivial(pin: string): boolean {
  if (/^(\d)\1+$/.test(pin)) return true;
  const up = '0123456789012345';
  const down = '9876543210987654';
  return up.includes(pin) || down.includes(pin);
}

/** An activation code from what the camera read: the code itself, or a link carrying `code=`. */
export function codeFromScan(text: string): string {
  const q = text.indexOf('?');
  if (q >= 0) {
    const code = new URLSearchParams(text.slice(q + 1)).get('code');
    if (code) return code;
  }
  return text.trim();
}

export function Activate() {
  const t = useT(messages);
  const wallet = useWallet();
  const [step, setStep] = useState<Step>('code');
  const [code, setCode] = useState('');
  const [scanning, setScanning] = useState(false);
  const [pin1, setPin1] = useState('');
  const [pin1Again, setPin1Again] = useState('');
  const [pin2, setPin2] = useState('');
  const [pin2Again, setPin2Again] = useState('');
  const [error, setError] = useState<string>();
  const [puk, setPuk] = useState('');
  const [pukTyped, setPukTyped] = useState('');

  const pinProblem = (purpose: 'auth' | 'sign', pin: string, again: string): string | undefined => {
    const { min, max } = PIN_LENGTH[purpose];
    if (!/^[0-9]+$/.test(pin) || pin.length < min || pin.length > max) {
      return t(purpose === 'auth' ? 'pin1Rules' : 'pin2Rules');
    }
    if (isTrivial(pin)) return t('pinTrivial');
    if (pin !== again) return t('pinMismatch');
    return undefined;
  };

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    const normalised = code.replace(/\s/g, '').toUpperCase();
    if (normalised.replace(/-/g, '').length < 8) {
      setError(t('codeShort'));
      return;
    }
    setError(undefined);
    setStep('pin1');
  };

  const submitPin1 = (e: FormEvent) => {
    e.preventDefault();
    const problem = pinProblem('auth', pin1, pin1Again);
    setError(problem);
    if (!problem) setStep('pin2');
  };

  const submitPin2 = async (e: FormEvent) => {
    e.preventDefault();
    const problem =
      pinProblem('sign', pin2, pin2Again) ?? (pin2 === pin1 ? t('pinSame') : undefined);
    setError(problem);
    if (problem) return;
    setStep('working');
    try {
      let released = '';
      const provisioning = await WebCryptoKeyStore.provision({
        pin1,
        pin2,
        save: (record) => putRecord(KEYSTORE_RECORD, record),
      });
      // The PUK comes back once with the activation; it is shown to the citizen, never stored.
      const capturing: KeyProvisioning = {
        kind: provisioning.kind,
        devicePublicJwk: () => provisioning.devicePublicJwk(),
        deviceSigningKey: () => provisioning.deviceSigningKey(),
        createCsr: (purpose) => provisioning.createCsr(purpose),
        complete: (value) => {
          released = value;
          return provisioning.complete(value);
        },
      };
      const { registration } = await DeviceClient.activate({
        serverUrl: serverUrl(),
        activationCode: code.trim(),
        provisioning: capturing,
        deviceName: t('deviceName'),
      });
      const stored: DeviceRegistration = { ...registration };
      await putRecord(REGISTRATION_RECORD, stored);
      setPin1('');
      setPin1Again('');
      setPin2('');
      setPin2Again('');
      setPuk(released);
      setStep('puk');
    } catch (err) {
      const status = isDeviceError(err) ? err.status : undefined;
      const server = isDeviceError(err) ? err.error : undefined;
      setError(
        server === 'activation_code_invalid'
          ? t('codeInvalid')
          : server === 'activation_locked' || status === 429
            ? t('activationLocked')
            : isDeviceError(err, 'NETWORK')
              ? t('noConnection')
              : t('activationFailed'),
      );
      setStep('code');
    }
  };

  const submitPuk = async (e: FormEvent) => {
    e.preventDefault();
    if (pukTyped.replace(/\s/g, '') !== puk) {
      setError(t('pukMismatch'));
      return;
    }
    setError(undefined);
    setPuk('');
    setPukTyped('');
    setStep('done');
    await wallet.reload();
  };

  const stepNumber = { code: 1, pin1: 2, pin2: 3, working: 3, puk: 4, done: 4 }[step];
  return (
    <section className="card" aria-labelledby="activate-title">
      <h2 id="activate-title">{t('activateTitle')}</h2>
      <p className="steps">{t('stepOf', { n: stepNumber, total: 4 })}</p>
      {error && <ErrorNotice title={error} />}

      {step === 'code' && (
        <form onSubmit={submitCode}>
          <label htmlFor="code">{t('codeLabel')}</label>
          <input
            id="code"
            value={code}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            onChange={(e) => setCode(e.target.value)}
            aria-describedby="code-hint"
            data-testid="activation-code"
          />
          <p id="code-hint" className="muted">
            {t('codeHint')}
          </p>
          {scanning ? (
            <>
              <QrScanner
                onCode={(text) => {
                  setCode(codeFromScan(text));
                  setScanning(false);
                }}
                labels={{
                  starting: t('cameraStarting'),
                  denied: t('cameraDenied'),
                  unavailable: t('cameraUnavailable'),
                  video: t('cameraVideo'),
                }}
              />
              <button type="button" className="secondary" onClick={() => setScanning(false)}>
                {t('cancel')}
              </button>
            </>
          ) : (
            <div className="actions">
              <button type="submit">{t('next')}</button>
              <button type="button" className="secondary" onClick={() => setScanning(true)}>
                {t('scanCode')}
              </button>
            </div>
          )}
        </form>
      )}

      {step === 'pin1' && (
        <form onSubmit={submitPin1}>
          <h3>{t('pin1Title')}</h3>
          <p>{t('pin1Explain')}</p>
          <p className="muted">{t('pin1Rules')}</p>
          <PinPad
            label={t('pinLabel')}
            value={pin1}
            onChange={setPin1}
            testId="pin1"
            eraseLabel={t('erase')}
            keypad={false}
          />
          <PinPad
            label={t('pinAgainLabel')}
            value={pin1Again}
            onChange={setPin1Again}
            testId="pin1-again"
            eraseLabel={t('erase')}
            keypad={false}
          />
          <div className="actions">
            <button type="submit">{t('next')}</button>
            <button type="button" className="secondary" onClick={() => setStep('code')}>
              {t('back')}
            </button>
          </div>
        </form>
      )}

      {step === 'pin2' && (
        <form onSubmit={submitPin2}>
          <h3>{t('pin2Title')}</h3>
          <p>{t('pin2Explain')}</p>
          <p className="muted">{t('pin2Rules')}</p>
          <PinPad
            label={t('pinLabel')}
            value={pin2}
            onChange={setPin2}
            testId="pin2"
            eraseLabel={t('erase')}
            keypad={false}
          />
          <PinPad
            label={t('pinAgainLabel')}
            value={pin2Again}
            onChange={setPin2Again}
            testId="pin2-again"
            eraseLabel={t('erase')}
            keypad={false}
          />
          <div className="actions">
            <button type="submit">{t('activate')}</button>
            <button type="button" className="secondary" onClick={() => setStep('pin1')}>
              {t('back')}
            </button>
          </div>
        </form>
      )}

      {step === 'working' && (
        <p role="status" aria-live="polite">
          {t('activating')}
        </p>
      )}

      {step === 'puk' && (
        <form onSubmit={submitPuk}>
          <h3>{t('pukTitle')}</h3>
          <div className="envelope" data-testid="puk-envelope">
            <p className="muted">{t('pukEnvelope')}</p>
            <p className="puk" data-testid="puk">
              {puk}
            </p>
          </div>
          <p>{t('pukText')}</p>
          <label htmlFor="puk-again">{t('pukEnter')}</label>
          <input
            id="puk-again"
            inputMode="numeric"
            autoComplete="off"
            value={pukTyped}
            onChange={(e) => setPukTyped(e.target.value)}
            data-testid="puk-again"
          />
          <div className="actions">
            <button type="submit">{t('pukConfirm')}</button>
          </div>
        </form>
      )}

      {step === 'done' && (
        <div className="outcome" role="status">
          <p className="big">
            <Icon name="check" size={56} />
          </p>
          <p>
            <strong>{t('doneTitle')}</strong>
          </p>
          <p>{t('doneText')}</p>
          <div className="actions">
            <button type="button" onClick={() => navigate(BASE, '/', true)}>
              {t('goHome')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
