import {
  createVerifierRequest,
  type PresentationResult,
  QrFrameAssembler,
  splitIntoQrFrames,
  verifyPresentation,
} from '@openmid/protocol/id-card';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLanguage, useT } from '../../ui/i18n.js';
import { ErrorNotice } from '../../ui/layout.js';
import { QrCycle } from '../../ui/qr-cycle.js';
import { QrScanner } from '../../ui/scanner.js';
import { CLAIM_LABELS, roleLabel } from './claim-labels.js';
import { messages } from './messages.js';
import { Verdict } from './Verdict.js';
import {
  certificateDer,
  type Enrolment,
  loadLedger,
  loadTrust,
  refreshTrust,
  saveLedger,
  signingKey,
  type TrustCache,
  trustLifetimeLeft,
} from './verifier-state.js';

/** How often an online verifier refreshes its keys and status list (the token's ttl). */
const REFRESH_MS = 300_000;

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

interface ShownRequest {
  frames: string[];
  expiresAt: number;
}

/** The verifier's working screen: trust cache, the signed request QR, scanning, the verdict. */
export function Check({ enrolment }: { enrolment: Enrolment }) {
  const t = useT(messages);
  const { lang } = useLanguage();
  const online = useOnline();
  const now = useNow(5000);
  const [trust, setTrust] = useState<TrustCache | undefined>(loadTrust);
  const [refreshing, setRefreshing] = useState(false);
  const [request, setRequest] = useState<ShownRequest>();
  const [mode, setMode] = useState<'request' | 'scan' | 'result'>('request');
  const [progress, setProgress] = useState<{ received: number; total: number }>();
  const [result, setResult] = useState<PresentationResult>();
  const [error, setError] = useState<string>();
  const assembler = useRef(new QrFrameAssembler());

  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      setTrust(await refreshTrust());
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRefreshing(false);
    }
  }, []);

  // Online: refresh at start and whenever the cache is older than the status list's ttl.
  useEffect(() => {
    if (!online || refreshing) return;
    if (!trust || now - trust.fetchedAt >= REFRESH_MS) void refresh();
  }, [online, now, trust, refresh, refreshing]);

  const newRequest = useCallback(async () => {
    const key = await signingKey();
    if (!key) {
      setError('the verifier key is missing: register this device again');
      return;
    }
    const made = await createVerifierRequest({ key, certificateDer: certificateDer(enrolment) });
    const ledger = loadLedger();
    ledger.issue({
      nonce: made.nonce,
      clientId: made.clientId,
      claims: made.claims,
      expiresAt: made.expiresAt,
    });
    saveLedger(ledger);
    setRequest({ frames: splitIntoQrFrames(made.jws), expiresAt: made.expiresAt });
    setMode('request');
    setResult(undefined);
    setProgress(undefined);
    assembler.current.reset();
  }, [enrolment]);

  useEffect(() => {
    if (!request) void newRequest().catch((e: unknown) => setError(String(e)));
  }, [request, newRequest]);
  // A request lives five minutes: show a fresh one when it is about to expire.
  useEffect(() => {
    if (mode === 'request' && request && request.expiresAt * 1000 - now < 30_000) {
      void newRequest();
    }
  }, [mode, request, now, newRequest]);

  const onCode = useCallback(
    async (text: string) => {
      let step: ReturnType<QrFrameAssembler['add']>;
      try {
        step = assembler.current.add(text);
      } catch {
        setError(t('notScannable'));
        return;
      }
      if (!step.complete) {
        setProgress({ received: step.received, total: step.total });
        return;
      }
      const cache = loadTrust();
      const ledger = loadLedger();
      const verdict = cache
        ? await verifyPresentation(step.message, {
            issuer: cache.issuer,
            statusLists: cache.statusLists,
            requests: ledger,
          })
        : ({ verdict: 'invalid', reason: t('cacheNone') } as PresentationResult);
      saveLedger(ledger);
      setResult(verdict);
      setMode('result');
    },
    [t],
  );

  const ageSeconds = trust ? Math.max(0, Math.floor((now - trust.fetchedAt) / 1000)) : 0;
  const age =
    ageSeconds < 60
      ? t('seconds', { n: ageSeconds })
      : ageSeconds < 3600
        ? t('minutes', { n: Math.floor(ageSeconds / 60) })
        : t('hours', { n: Math.floor(ageSeconds / 3600) });
  const expired = trust ? trustLifetimeLeft(trust, now) <= 0 : false;
  const claimNames = enrolment.claims
    .map((c) => CLAIM_LABELS[lang][c])
    .join(lang === 'zh-Hant' ? '、' : ', ');

  return (
    <>
      <section className="card verifier-status">
        <p data-testid="enrolment">
          {t('enrolled', {
            name: enrolment.name,
            organisation: enrolment.organisation,
            role: roleLabel(lang, enrolment.role),
          })}
        </p>
        <p className="muted">{t('mayAsk', { claims: claimNames })}</p>
        <p data-testid="cache-age" data-fetched-at={trust?.fetchedAt ?? ''}>
          {trust ? t('cacheAge', { age }) : t('cacheNone')}
        </p>
        {expired ? <p className="notice notice-warn">{t('cacheExpired')}</p> : null}
        <p className="row">
          <span className={online ? 'pill pill-ok' : 'pill pill-warn'} data-testid="network">
            {online ? t('online') : t('offline')}
          </span>
          {online ? (
            <button
              className="button button-small"
              type="button"
              onClick={refresh}
              disabled={refreshing}
            >
              {refreshing ? t('refreshing') : t('refresh')}
            </button>
          ) : null}
        </p>
        {error ? <ErrorNotice title={error} /> : null}
      </section>

      {mode === 'request' && request ? (
        <section className="card">
          <h2>{t('requestTitle')}</h2>
          <p className="muted">{t('requestHelp')}</p>
          <QrCycle
            frames={request.frames}
            label={t('requestTitle')}
            partLabel={(part, total) => t('requestPart', { part, total })}
          />
          <p className="row">
            <button className="button" type="button" onClick={() => setMode('scan')}>
              {t('scanAnswer')}
            </button>
            <button className="button button-secondary" type="button" onClick={newRequest}>
              {t('newRequest')}
            </button>
          </p>
        </section>
      ) : null}

      {mode === 'scan' ? (
        <section className="card">
          <h2>{t('scanTitle')}</h2>
          <QrScanner
            onCode={(text) => void onCode(text)}
            labels={{
              starting: t('scanStarting'),
              denied: t('scanDenied'),
              unavailable: t('scanUnavailable'),
              video: t('scanVideo'),
            }}
          />
          {progress ? (
            <p role="status" data-testid="scan-progress">
              {t('scanProgress', progress)}
            </p>
          ) : null}
          <button
            className="button button-secondary"
            type="button"
            onClick={() => setMode('request')}
          >
            {t('cancel')}
          </button>
        </section>
      ) : null}

      {mode === 'result' && result ? <Verdict result={result} onNext={newRequest} /> : null}
    </>
  );
}
