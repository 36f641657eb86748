import { isDeviceError } from '@openmid/device/browser';
import { HISTORY_KINDS, type HistoryEntry, type HistoryKind } from '@openmid/protocol';
import { useCallback, useEffect, useState } from 'react';
import { useLanguage, useT } from '../../ui/i18n.js';
import { claimLabel } from './labels.js';
import { type MessageKey, messages } from './messages.js';
import { NotActivated } from './NotActivated.js';
import { getRecord, putRecord } from './storage.js';
import { useWallet } from './wallet-state.js';

/** The last lists seen, per filter, for reading offline. */
interface SavedHistory {
  savedAt: string;
  lists: Partial<Record<HistoryKind | 'all', HistoryEntry[]>>;
}

const HISTORY_RECORD = 'history';

const EVENT_KEYS: Record<string, MessageKey> = {
  'session.auth.completed': 'ev_auth',
  'session.sign.completed': 'ev_sign',
  'session.certificate_choice.completed': 'ev_certificate_choice',
  'claims.released': 'ev_claims',
  'document.signature_requested': 'ev_document_requested',
  'document.signed': 'ev_document_signed',
  'document.signing_failed': 'ev_document_failed',
  'device.activated': 'ev_device_activated',
  'device.suspended': 'ev_device_suspended',
  'device.resumed': 'ev_device_resumed',
  'device.revoked': 'ev_device_revoked',
  'device.pin_blocked': 'ev_pin_blocked',
  'device.pin_unblocked': 'ev_pin_unblocked',
  'device.pin_changed': 'ev_pin_changed',
  'device.viewed': 'ev_viewed',
  'person.viewed': 'ev_viewed',
  'certificate.viewed': 'ev_viewed',
  'person.searched': 'ev_searched',
  'person.registered': 'ev_registered',
  'activation_code.issued': 'ev_code_issued',
  'activation_code.locked': 'ev_code_locked',
  'activation.failed': 'ev_activation_failed',
  'activation.locked': 'ev_activation_failed',
  'certificate.issued': 'ev_cert_issued',
  'certificate.revoked': 'ev_cert_revoked',
  'certificate.suspended': 'ev_cert_suspended',
  'certificate.resumed': 'ev_cert_resumed',
  'session.reported_not_me': 'ev_not_me',
  'session.rate_limited': 'ev_rate_limited',
  'credential.issued': 'ev_credential_issued',
  'credential.presented': 'ev_presented',
};

const FILTER_KEYS: Record<HistoryKind | 'all', MessageKey> = {
  all: 'filterAll',
  login: 'filterLogin',
  signature: 'filterSignature',
  data_release: 'filterDataRelease',
  presentation: 'filterPresentation',
  security: 'filterSecurity',
};

const RESULT_KEYS: Record<string, MessageKey> = {
  OK: 'resOk',
  USER_REFUSED: 'resRefused',
  TIMEOUT: 'resTimeout',
  WRONG_VC: 'resWrongVc',
  PIN_BLOCKED: 'resPinBlocked',
  CERTIFICATE_INVALID: 'resCertInvalid',
  NOT_FOUND_OR_INACTIVE: 'resNotFound',
  FAILED: 'resFailed',
};

export function HistoryList({ entries, locale }: { entries: HistoryEntry[]; locale: string }) {
  const t = useT(messages);
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ul className="history" data-testid="history">
      {entries.map((e) => {
        const key: MessageKey | undefined =
          e.kind === 'data_release' ? 'ev_claims' : EVENT_KEYS[e.event];
        const ok = e.result === 'OK';
        return (
          <li key={e.id} data-kind={e.kind} data-event={e.event}>
            <div>
              <strong>{key ? t(key) : e.event}</strong>
              <span className={`result ${ok ? 'ok' : 'bad'}`}>
                {RESULT_KEYS[e.result] ? t(RESULT_KEYS[e.result] as MessageKey) : e.result}
              </span>
            </div>
            {e.rpName && <div>{e.rpName}</div>}
            {e.claims && (
              <div className="muted" data-testid="history-claims">
                {t('sharedClaims', { claims: e.claims.map((c) => claimLabel(t, c)).join(', ') })}
              </div>
            )}
            <div className="when">
              <time dateTime={e.time}>{when.format(new Date(e.time))}</time>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function History() {
  const t = useT(messages);
  const { lang } = useLanguage();
  const wallet = useWallet();
  const [kind, setKind] = useState<HistoryKind | 'all'>('all');
  const [entries, setEntries] = useState<HistoryEntry[]>();
  const [next, setNext] = useState<string>();
  const [offlineSince, setOfflineSince] = useState<string>();
  const [error, setError] = useState<string>();

  const load = useCallback(
    async (filter: HistoryKind | 'all') => {
      const saved = await getRecord<SavedHistory>(HISTORY_RECORD).catch(() => undefined);
      const fromCache = () => {
        const list =
          saved?.lists[filter] ??
          saved?.lists.all?.filter((e) => filter === 'all' || e.kind === filter);
        if (list) {
          setEntries(list);
          setNext(undefined);
          setOfflineSince(saved?.savedAt);
          return true;
        }
        return false;
      };
      if (!wallet.client) {
        fromCache();
        return;
      }
      try {
        const page = await wallet.client.history({
          limit: 50,
          ...(filter === 'all' ? {} : { kind: filter }),
        });
        setEntries(page.entries);
        setNext(page.next);
        setOfflineSince(undefined);
        setError(undefined);
        const lists = { ...(saved?.lists ?? {}), [filter]: page.entries };
        await putRecord(HISTORY_RECORD, { savedAt: new Date().toISOString(), lists }).catch(
          () => undefined,
        );
      } catch (err) {
        if (!fromCache()) {
          setError(isDeviceError(err, 'NETWORK') ? t('noConnection') : t('historyFailed'));
        }
      }
    },
    [wallet.client, t],
  );

  useEffect(() => {
    if (wallet.state === 'ready') void load(kind);
  }, [wallet.state, kind, load]);

  if (wallet.state === 'none') return <NotActivated />;
  const more = async () => {
    if (!wallet.client || !next) return;
    try {
      const page = await wallet.client.history({
        limit: 50,
        before: next,
        ...(kind === 'all' ? {} : { kind }),
      });
      setEntries([...(entries ?? []), ...page.entries]);
      setNext(page.next);
    } catch {
      setError(t('noConnection'));
    }
  };
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t('historyTitle')}</h2>
      <fieldset className="filters">
        <legend className="visually-hidden">{t('filterLabel')}</legend>
        {(['all', ...HISTORY_KINDS] as const).map((k) => (
          <button
            type="button"
            key={k}
            aria-pressed={kind === k}
            onClick={() => setKind(k)}
            data-testid={`filter-${k}`}
          >
            {t(FILTER_KEYS[k])}
          </button>
        ))}
      </fieldset>
      {offlineSince && (
        <div className="notice notice-warn" role="status" data-testid="history-offline">
          {t('historyOffline', { time: when.format(new Date(offlineSince)) })}
        </div>
      )}
      {error && (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      )}
      {entries === undefined ? (
        <p role="status">{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p className="card muted">{t('historyEmpty')}</p>
      ) : (
        <HistoryList entries={entries} locale={lang} />
      )}
      {next && !offlineSince && (
        <button type="button" className="secondary" onClick={() => void more()}>
          {t('historyMore')}
        </button>
      )}
    </section>
  );
}
