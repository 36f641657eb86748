import { HISTORY_KINDS, type HistoryEntry, type HistoryKind } from '@openmid/protocol';
import { useT } from '../../ui/i18n.js';
import { claimLabel } from './labels.js';
import { type MessageKey, messages } from './messages.js';
import './history-list.css';

/**
 * The usage log as a list (F22): shared by the wallet's history screen and the self-service
 * portal (it uses the wallet's strings, in the same three languages).
 */
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
  'credential.suspended': 'ev_credential_suspended',
  'credential.resumed': 'ev_credential_resumed',
  'credential.revoked': 'ev_credential_revoked',
  'web_login.succeeded': 'ev_web_login',
  'web_login.logged_out': 'ev_web_logout',
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
  const when = dateTimeFormat(locale);
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
              <time dateTime={e.time}>{when(new Date(e.time))}</time>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** "28 noyabr 2026 09:26": a long month name reads right in every language (ICU's medium az is odd). */
export function dateTimeFormat(locale: string): (date: Date) => string {
  const day = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  return (date) => `${day.format(date)} ${time.format(date)}`;
}

/** The kind filter of the usage log: one toggle button per kind, and "all". */
export function HistoryFilters({
  kind,
  onChange,
}: {
  kind: HistoryKind | 'all';
  onChange: (kind: HistoryKind | 'all') => void;
}) {
  const t = useT(messages);
  return (
    <fieldset className="filters">
      <legend className="visually-hidden">{t('filterLabel')}</legend>
      {(['all', ...HISTORY_KINDS] as const).map((k) => (
        <button
          type="button"
          key={k}
          aria-pressed={kind === k}
          onClick={() => onChange(k)}
          data-testid={`filter-${k}`}
        >
          {t(FILTER_KEYS[k])}
        </button>
      ))}
    </fieldset>
  );
}
