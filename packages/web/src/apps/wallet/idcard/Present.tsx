import { isDeviceError } from '@openmid/device/browser';
import {
  createPresentation,
  decodeBase64,
  es256Signer,
  type IdCardClaim,
  IdCardError,
  isQrFrame,
  QrFrameAssembler,
  readCard,
  splitIntoQrFrames,
  type VerifierRequest,
  verifyVerifierRequest,
} from '@openmid/protocol/id-card';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useLanguage, useT } from '../../../ui/i18n.js';
import { ErrorNotice } from '../../../ui/layout.js';
import { QrCycle } from '../../../ui/qr-cycle.js';
import { Link } from '../../../ui/router.js';
import { QrScanner } from '../../../ui/scanner.js';
import { CLAIM_LABELS, roleLabel } from '../../verifier/claim-labels.js';
import { BASE } from '../base.js';
import { NotActivated } from '../NotActivated.js';
import { PinPad } from '../PinPad.js';
import { useWallet } from '../wallet-state.js';
import { reportPresentation, type StoredCard, storedCard } from './idcard-store.js';
import { messages } from './messages.js';
import './idcard.css';

type Step =
  | { kind: 'scan' }
  | { kind: 'consent'; request: VerifierRequest; onCard: Set<string> }
  | { kind: 'show'; frames: string[] }
  | { kind: 'stopped'; message: string };

/**
 * Present the ID card (SPEC F21): scan the verifier's signed request, show who asks (organisation,
 * role, certificate) and exactly which claims, approve with PIN1, show the answer as QR codes.
 * A request beyond the verifier's role is refused before anything is shown.
 */
export function Present() {
  const t = useT(messages);
  const { lang } = useLanguage();
  const wallet = useWallet();
  const [card, setCard] = useState<StoredCard | null>();
  const [step, setStep] = useState<Step>({ kind: 'scan' });
  const [progress, setProgress] = useState<{ received: number; total: number }>();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const assembler = useRef(new QrFrameAssembler());
  const checking = useRef(false);

  useEffect(() => {
    void storedCard().then((c) => setCard(c ?? null));
  }, []);

  if (wallet.state === 'none') return <NotActivated />;
  if (card === null) {
    return <p className="notice notice-warn">{t('noCard')}</p>;
  }

  const onCode = async (text: string) => {
    if (step.kind !== 'scan' || checking.current || !card || !wallet.registration) return;
    if (!isQrFrame(text)) {
      setError(t('notARequest'));
      return;
    }
    const got = assembler.current.add(text);
    if (!got.complete) {
      setProgress({ received: got.received, total: got.total });
      return;
    }
    checking.current = true;
    setError(undefined);
    try {
      const [issuing, root] = wallet.registration.caChain.map((c) => decodeBase64(c));
      const request = await verifyVerifierRequest(got.message, {
        trust: { issuing: issuing as Uint8Array, root: root as Uint8Array },
      });
      const { claims } = await readCard(card.credential);
      setStep({ kind: 'consent', request, onCard: new Set(Object.keys(claims)) });
    } catch (e) {
      const labels = (claims: readonly string[]) =>
        claims.map((c) => CLAIM_LABELS[lang][c as IdCardClaim] ?? c).join(', ');
      const message =
        e instanceof IdCardError && e.code === 'claims_not_allowed'
          ? t('tooMuch', { claims: labels(e.claims) })
          : e instanceof IdCardError && e.code === 'untrusted_verifier'
            ? t('untrusted')
            : t('badRequest');
      setStep({ kind: 'stopped', message });
    } finally {
      checking.current = false;
    }
  };

  const approve = async (event: FormEvent) => {
    event.preventDefault();
    if (step.kind !== 'consent' || !wallet.client || !card) return;
    const { request, onCard } = step;
    const keyStore = wallet.client.keyStore;
    setBusy(true);
    setError(undefined);
    try {
      await keyStore.verifyPin('auth', pin);
      const presentation = await createPresentation({
        credential: card.credential,
        request,
        kbSigner: es256Signer(await keyStore.deviceSigningKey()),
      });
      setStep({ kind: 'show', frames: splitIntoQrFrames(presentation) });
      // The usage log (F22): who was shown which claims; sent now or when back online.
      void reportPresentation(wallet.client, {
        organisation: request.organisation,
        role: request.role,
        claims: request.requested.filter((c) => onCard.has(c)),
        verifier: request.clientId,
        certificateSerial: request.certificateSerial,
      }).catch(() => undefined);
    } catch (e) {
      if (isDeviceError(e, 'PIN_INVALID')) setError(t('pinWrong', { tries: e.triesLeft ?? 0 }));
      else if (isDeviceError(e, 'PIN_BLOCKED')) {
        setError(t('pinBlocked'));
        if (e.justBlocked) {
          void wallet.client.sendEvent({ type: 'pin_blocked', key: 'auth' }).catch(() => undefined);
        }
      } else if (isDeviceError(e, 'PIN_FORMAT')) setError(t('pinWrong', { tries: '…' }));
      else setError(String(e));
    } finally {
      setPin('');
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="present-title">
      <h2 id="present-title">{t('presentTitle')}</h2>
      {step.kind === 'scan' ? (
        <>
          <p>{t('scanHint')}</p>
          {error ? <ErrorNotice title={error} /> : null}
          <QrScanner
            onCode={(text) => void onCode(text)}
            labels={{
              starting: t('cameraStarting'),
              denied: t('cameraDenied'),
              unavailable: t('cameraUnavailable'),
              video: t('cameraVideo'),
            }}
          />
          {progress ? <p role="status">{t('scanProgress', progress)}</p> : null}
        </>
      ) : null}

      {step.kind === 'consent' ? (
        <form onSubmit={approve} data-testid="presentation-consent">
          <h3>{t('asks', { organisation: step.request.organisation })}</h3>
          <p>{t('role', { role: roleLabel(lang, step.request.role) })}</p>
          <p className="muted">{t('verifierCert', { subject: step.request.subject })}</p>
          <ul className="consent-claims" data-testid="requested-claims">
            {step.request.requested.map((c) => (
              <li key={c} data-claim={c}>
                {CLAIM_LABELS[lang][c]} {step.onCard.has(c) ? null : <em>{t('notOnCard')}</em>}
              </li>
            ))}
          </ul>
          <p className="muted">{t('onlyThese')}</p>
          <PinPad
            label={t('pin1')}
            value={pin}
            onChange={setPin}
            eraseLabel={t('erase')}
            testId="pin1"
          />
          {error ? <ErrorNotice title={error} /> : null}
          <div className="actions">
            <button className="button" type="submit" disabled={busy || pin.length < 4}>
              {t('approve')}
            </button>
            <button
              className="button secondary"
              type="button"
              onClick={() => setStep({ kind: 'stopped', message: t('refusedTitle') })}
            >
              {t('refuse')}
            </button>
          </div>
        </form>
      ) : null}

      {step.kind === 'show' ? (
        <>
          <h3>{t('showTitle')}</h3>
          <p className="muted">{t('showHint')}</p>
          <QrCycle
            frames={step.frames}
            label={t('showTitle')}
            partLabel={(part, total) => t('part', { part, total })}
          />
          <Link base={BASE} to="/idcard" className="button">
            {t('done')}
          </Link>
        </>
      ) : null}

      {step.kind === 'stopped' ? (
        <>
          <p className="notice notice-warn" role="alert" data-testid="presentation-stopped">
            {step.message}
          </p>
          <Link base={BASE} to="/idcard" className="button secondary">
            {t('back')}
          </Link>
        </>
      ) : null}
    </section>
  );
}
