import { isDeviceError, pinName } from '@openmid/device/browser';
import type { PendingRequest } from '@openmid/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { Link, navigate } from '../../ui/router.js';
import { BASE } from './base.js';
import { Icon } from './icons.js';
import { claimLabel, kindKey } from './labels.js';
import { type MessageKey, messages } from './messages.js';
import { PinPad } from './PinPad.js';
import { useWallet } from './wallet-state.js';

type Outcome =
  | { kind: 'approved'; endResult: string }
  | { kind: 'refused' }
  | { kind: 'not_me' }
  | { kind: 'blocked' }
  | { kind: 'ended'; endResult: string };

function Outcome({ outcome, request }: { outcome: Outcome; request: PendingRequest }) {
  const t = useT(messages);
  let icon: 'check' | 'cross' | 'warn' | 'lock' = 'check';
  let title: string;
  let tone = 'notice-ok';
  if (outcome.kind === 'approved' && outcome.endResult === 'OK') {
    title =
      request.type === 'auth'
        ? request.claims?.length
          ? t('outcomeShared', { rp: request.rpName })
          : t('outcomeLoggedIn', { rp: request.rpName })
        : t('outcomeSigned', { rp: request.rpName });
  } else if (outcome.kind === 'refused') {
    icon = 'cross';
    tone = 'notice-warn';
    title = t('outcomeRefused', { rp: request.rpName });
  } else if (outcome.kind === 'not_me') {
    icon = 'warn';
    tone = 'notice-warn';
    title = t('outcomeNotMe');
  } else if (outcome.kind === 'blocked') {
    icon = 'lock';
    tone = 'notice-error';
    title = t('outcomeBlocked', { pin: pinName(request.key) });
  } else {
    icon = 'cross';
    tone = 'notice-error';
    const result = 'endResult' in outcome ? outcome.endResult : '';
    title = result === 'WRONG_VC' ? t('outcomeWrongCode') : t('outcomeEnded', { result });
  }
  return (
    <section className={`card outcome notice ${tone}`} role="status" data-testid="outcome">
      <p className="big">
        <Icon name={icon} size={56} />
      </p>
      <h2>{title}</h2>
      <div className="actions">
        {outcome.kind === 'blocked' && (
          <Link base={BASE} to={`/security?unblock=${request.key}`} className="button">
            {t('unblockNow')}
          </Link>
        )}
        <Link base={BASE} to="/" className="button secondary">
          {t('goHome')}
        </Link>
      </div>
    </section>
  );
}

export function RequestScreen({ sessionId }: { sessionId: string }) {
  const t = useT(messages);
  const wallet = useWallet();
  const request = wallet.pending.find((r) => r.sessionId === sessionId);
  const [shown, setShown] = useState<PendingRequest | undefined>(request);
  const [pin, setPin] = useState('');
  const [picked, setPicked] = useState<string>();
  const [consent, setConsent] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const [triesLeft, setTriesLeft] = useState<number>();

  useEffect(() => {
    if (request && !shown) setShown(request);
  }, [request, shown]);
  useEffect(() => {
    const key = shown?.key;
    if (!key || !wallet.client) return;
    wallet.client.keyStore.pinCounters().then(
      (c) => setTriesLeft(key === 'auth' ? c.pin1.triesLeft : c.pin2.triesLeft),
      () => undefined,
    );
  }, [shown?.key, wallet.client]);

  if (!shown) {
    return (
      <section className="card">
        <p>{wallet.state === 'loading' ? t('loading') : t('requestGone')}</p>
        <Link base={BASE} to="/" className="button secondary">
          {t('goHome')}
        </Link>
      </section>
    );
  }
  if (outcome) return <Outcome outcome={outcome} request={shown} />;

  const client = wallet.client;
  const r = shown;
  const pinLabel = pinName(r.key);
  const maxPin = 12;
  const stillPending = Boolean(request);

  const finish = (next: Outcome) => {
    wallet.dropPending(r.sessionId);
    setOutcome(next);
  };

  const approve = async (e: FormEvent) => {
    e.preventDefault();
    if (!client) return;
    if (r.vcChoices && !picked) {
      setError(t('pickCode'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const approvedClaims = (r.claims ?? []).filter((c) => consent[c] !== false);
      const answer = await client.approve(r, pin, {
        ...(picked ? { pickedCode: picked } : {}),
        ...(r.claims?.length ? { approvedClaims } : {}),
      });
      finish(
        answer.endResult === 'OK'
          ? { kind: 'approved', endResult: 'OK' }
          : { kind: 'ended', endResult: answer.endResult },
      );
    } catch (err) {
      setPin('');
      if (isDeviceError(err, 'PIN_INVALID')) {
        setTriesLeft(err.triesLeft);
        setError(t('wrongPin', { pin: pinLabel, n: err.triesLeft ?? 0 }));
      } else if (isDeviceError(err, 'PIN_BLOCKED')) {
        setTriesLeft(0);
        // Tell the RP at once (it stops waiting) and record it in the usage log.
        await client.answerPinBlocked(r).catch(() => undefined);
        await client.sendEvent({ type: 'pin_blocked', key: r.key }).catch(() => undefined);
        finish({ kind: 'blocked' });
      } else if (isDeviceError(err, 'PIN_FORMAT')) {
        setError(t(r.key === 'auth' ? 'pin1Rules' : 'pin2Rules'));
      } else if (isDeviceError(err, 'NETWORK')) {
        setError(t('noConnection'));
      } else if (isDeviceError(err) && err.status === 404) {
        finish({ kind: 'ended', endResult: 'TIMEOUT' });
      } else {
        setError(t('answerFailed'));
      }
    } finally {
      setBusy(false);
    }
  };

  const decline = async (kind: 'refused' | 'not_me') => {
    if (!client) return;
    setBusy(true);
    try {
      if (kind === 'refused') await client.refuse(r);
      else await client.notMe(r);
      finish({ kind });
    } catch (err) {
      setError(isDeviceError(err, 'NETWORK') ? t('noConnection') : t('answerFailed'));
    } finally {
      setBusy(false);
    }
  };

  const blocked = triesLeft === 0;
  return (
    <form className="card request-card" onSubmit={approve} aria-labelledby="request-title">
      <span className="kind" data-testid="request-kind">
        {t(kindKey(r))}
      </span>
      <h2 id="request-title">{t('requestFrom', { rp: r.rpName })}</h2>
      <p>{t(explainKey(r))}</p>
      {r.displayText && (
        <p className="display-text" data-testid="display-text">
          {r.displayText}
        </p>
      )}
      {!stillPending && (
        <div className="notice notice-warn" role="status">
          {t('requestGone')}
        </div>
      )}
      {r.verificationCode && (
        <>
          <p>{t('codeCheck', { rp: r.rpName })}</p>
          <p className="vc" data-testid="verification-code">
            {r.verificationCode}
          </p>
        </>
      )}
      {r.vcChoices && (
        <fieldset>
          <legend>{t('codeChoose', { rp: r.rpName })}</legend>
          <div className="vc-choices">
            {r.vcChoices.map((code) => (
              <button
                type="button"
                key={code}
                aria-pressed={picked === code}
                onClick={() => setPicked(code)}
                data-testid="vc-choice"
              >
                {code}
              </button>
            ))}
          </div>
        </fieldset>
      )}
      {r.claims && r.claims.length > 0 && (
        <fieldset>
          <legend>{t('claimsTitle', { rp: r.rpName })}</legend>
          <p className="muted">{t('claimsHint')}</p>
          <ul className="claims">
            {r.claims.map((claim) => (
              <li key={claim}>
                <label>
                  <input
                    type="checkbox"
                    checked={consent[claim] !== false}
                    onChange={(e) => setConsent({ ...consent, [claim]: e.target.checked })}
                    data-testid={`claim-${claim}`}
                  />
                  {claimLabel(t, claim)}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {error && <ErrorNotice title={error} />}
      {blocked ? (
        <div className="notice notice-error" role="alert">
          {t('pinBlockedNow', { pin: pinLabel })}{' '}
          <Link base={BASE} to={`/security?unblock=${r.key}`}>
            {t('unblockNow')}
          </Link>
        </div>
      ) : (
        <>
          <PinPad
            label={t(r.key === 'auth' ? 'enterPin1' : 'enterPin2')}
            value={pin}
            onChange={setPin}
            maxLength={maxPin}
            testId="request-pin"
            eraseLabel={t('erase')}
          />
          {triesLeft !== undefined && triesLeft < 3 && (
            <p className="muted" data-testid="tries-left">
              {t('triesLeft', { pin: pinLabel, n: triesLeft })}
            </p>
          )}
        </>
      )}
      <div className="actions">
        {!blocked && (
          <button
            type="submit"
            disabled={busy || pin.length === 0 || !stillPending}
            data-testid="approve"
          >
            {t(
              r.type === 'auth'
                ? r.claims?.length
                  ? 'approveShare'
                  : 'approveLogin'
                : 'approveSign',
            )}
          </button>
        )}
        <button
          type="button"
          className="secondary"
          disabled={busy || !stillPending}
          onClick={() => decline('refused')}
          data-testid="refuse"
        >
          {t('refuse')}
        </button>
        <button
          type="button"
          className="link-button"
          disabled={busy || !stillPending}
          onClick={() => decline('not_me')}
          data-testid="not-me"
        >
          {t('notMe')}
        </button>
      </div>
    </form>
  );
}

function explainKey(r: PendingRequest): MessageKey {
  if (r.type === 'sign') return 'explainSign';
  if (r.type === 'certificate-choice') return 'explainCertificateChoice';
  return r.claims?.length ? 'explainDataRelease' : 'explainLogin';
}

/** Go to the request the wallet just received (QR scan, device link). */
export function showRequest(sessionId: string): void {
  navigate(BASE, `/request/${encodeURIComponent(sessionId)}`, true);
}
