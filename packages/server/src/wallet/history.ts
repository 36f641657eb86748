import type { HistoryEntry, HistoryKind, HistoryResponse } from '@openmid/protocol';
import type { LogEntry } from '../audit/audit-event.js';
import type { AuditService } from '../audit/audit-service.js';
import type { ClientServiceImpl } from '../clients/clients.js';
import type { Db } from '../db/db.js';

/** Entries per page of the usage log, and the most a caller may ask for. */
export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 100;
/** Log entries read at most for one page when a kind filter skips many (bounds the work). */
const SCAN_MAX = 2000;

const SIGNATURE_TYPES = new Set([
  'session.sign.completed',
  'session.certificate_choice.completed',
  'document.signature_requested',
  'document.signed',
  'document.signing_failed',
]);

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const names = value.filter((v): v is string => typeof v === 'string');
  return names.length > 0 ? names : undefined;
}

/** Which kind of use an audit event is (F22): the history filter. */
export function historyKindOf(entry: Pick<LogEntry, 'type' | 'data'>): HistoryKind {
  const { type, data } = entry;
  if (type === 'claims.released') return 'data_release';
  if (type === 'session.auth.completed') {
    return stringList(data.releasedClaims) ? 'data_release' : 'login';
  }
  if (SIGNATURE_TYPES.has(type)) return 'signature';
  if (type.startsWith('presentation.') || type === 'credential.presented') return 'presentation';
  // Everything else about a person is about their account's safety: activations and failed
  // ones, PIN blocks, suspensions, certificates, "not me" reports, an officer viewing the record.
  return 'security';
}

const FAILED = /\.(failed|locked|pin_blocked|forbidden|rate_limited|reported_not_me)$/;

function byOf(actor: string): HistoryEntry['by'] {
  const prefix = actor.split(':', 1)[0] ?? '';
  const known = ['device', 'person', 'client', 'officer', 'operator', 'auditor'] as const;
  return (known as readonly string[]).includes(prefix) ? (prefix as HistoryEntry['by']) : 'system';
}

/**
 * One usage-log entry as the citizen sees it. Only named fields of the audit data are passed on
 * (an allow-list): names of released claims, never values; no ids of staff or other devices.
 */
export function toHistoryEntry(entry: LogEntry, rpNames: Map<string, string>): HistoryEntry {
  const { data } = entry;
  const endResult = typeof data.endResult === 'string' ? data.endResult : undefined;
  const out: HistoryEntry = {
    id: String(entry.id),
    time: entry.time.toISOString(),
    kind: historyKindOf(entry),
    event: entry.type,
    result: endResult ?? (FAILED.test(entry.type) ? 'FAILED' : 'OK'),
    by: byOf(entry.actor),
  };
  const rpName =
    typeof data.rpName === 'string'
      ? data.rpName
      : entry.clientId
        ? rpNames.get(entry.clientId)
        : undefined;
  if (rpName) out.rpName = rpName;
  const claims = stringList(data.releasedClaims) ?? stringList(data.claims);
  if (claims && out.kind === 'data_release') out.claims = claims;
  if (data.key === 'auth' || data.key === 'sign') out.key = data.key;
  if (typeof data.reason === 'string' && /^[a-z_]{1,40}$/.test(data.reason)) {
    out.reason = data.reason;
  }
  return out;
}

export interface HistoryQuery {
  kind?: HistoryKind | undefined;
  /** Only entries older than this cursor (a previous page's `next`). */
  before?: number | undefined;
  limit?: number | undefined;
}

/** The query string of a history route (HistoryQuerySchema, already validated) as a HistoryQuery. */
export function historyQueryOf(query: {
  kind?: HistoryKind | undefined;
  before?: string | undefined;
  limit?: string | undefined;
}): HistoryQuery {
  return {
    kind: query.kind,
    before: query.before === undefined ? undefined : Number(query.before),
    limit: query.limit === undefined ? undefined : Math.min(HISTORY_PAGE_MAX, Number(query.limit)),
  };
}

/**
 * The citizen's usage log (F22) from the audit log's per-person view, newest first, optionally
 * of one kind. Shared by the wallet (`GET /device/v1/history`) and the self-service portal.
 */
export async function personHistory(
  deps: { audit: AuditService; clients: ClientServiceImpl },
  db: Db,
  personId: string,
  query: HistoryQuery,
): Promise<HistoryResponse> {
  const limit = Math.max(1, Math.min(HISTORY_PAGE_MAX, query.limit ?? HISTORY_PAGE_DEFAULT));
  // Read one more than a page: if it exists, there is a next page. A kind filter may skip many
  // entries, so read in batches, at most SCAN_MAX entries for one page.
  const picked: LogEntry[] = [];
  let scanCursor = query.before;
  let scanned = 0;
  let exhausted = false;
  while (picked.length <= limit && scanned < SCAN_MAX) {
    const batch = query.kind ? Math.min(500, SCAN_MAX - scanned) : limit + 1;
    const rows = await deps.audit.listForPerson(db, personId, {
      limit: batch,
      ...(scanCursor !== undefined ? { before: scanCursor } : {}),
    });
    scanned += rows.length;
    for (const row of rows) {
      scanCursor = row.id;
      if (query.kind && historyKindOf(row) !== query.kind) continue;
      picked.push(row);
      if (picked.length > limit) break;
    }
    if (rows.length < batch) {
      exhausted = true;
      break;
    }
  }
  const page = picked.slice(0, limit);
  const rpNames = new Map<string, string>();
  for (const entry of page) {
    if (!entry.clientId || rpNames.has(entry.clientId) || typeof entry.data.rpName === 'string') {
      continue;
    }
    const client = await deps.clients.get(db, entry.clientId);
    if (client) rpNames.set(entry.clientId, client.clientName);
  }
  const response: HistoryResponse = { entries: page.map((e) => toHistoryEntry(e, rpNames)) };
  const last = page.at(-1);
  if (picked.length > limit && last) response.next = String(last.id);
  else if (!exhausted && picked.length <= limit && scanCursor !== undefined) {
    // The scan bound was reached before a full page: continue from where it stopped.
    response.next = String(scanCursor);
  }
  return response;
}
