import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { SessionTable, StoredResult } from './session-tables.js';

export type SessionRow = Omit<Selectable<SessionTable>, 'vc_choices' | 'claims' | 'result'> & {
  vc_choices: string[] | null;
  claims: string[];
  result: StoredResult | null;
};

export interface NewSession {
  id: string;
  clientId: string;
  kind: SessionRow['kind'];
  origin: string;
  flow: SessionRow['flow'];
  personId: string | null;
  deviceId: string | null;
  rpName: string;
  hash: Buffer | null;
  hashType: SessionRow['hash_type'];
  displayText: string | null;
  verificationCode: string | null;
  vcChoices: string[] | null;
  claims: string[];
  qrToken: string | null;
  qrSecretSealed: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Insert already complete (subject not found): the RP learns it by polling, like any result. */
  endResult?: string;
}

const json = <T>(v: T | string | null): T | null =>
  typeof v === 'string' ? (JSON.parse(v) as T) : (v ?? null);

function toRow(r: Selectable<SessionTable>): SessionRow {
  return {
    ...r,
    hash: r.hash === null ? null : Buffer.from(r.hash),
    vc_choices: json<string[]>(r.vc_choices),
    claims: json<string[]>(r.claims) ?? [],
    result: json<StoredResult>(r.result),
  };
}

export async function insertSession(db: Db, s: NewSession): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      client_id: s.clientId,
      kind: s.kind,
      origin: s.origin,
      flow: s.flow,
      state: s.endResult ? 'COMPLETE' : 'RUNNING',
      person_id: s.personId,
      device_id: s.deviceId,
      rp_name: s.rpName,
      hash: s.hash,
      hash_type: s.hashType,
      display_text: s.displayText,
      verification_code: s.verificationCode,
      vc_choices: s.vcChoices ? JSON.stringify(s.vcChoices) : null,
      claims: JSON.stringify(s.claims),
      qr_token: s.qrToken,
      qr_secret_sealed: s.qrSecretSealed,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      completed_at: s.endResult ? s.createdAt : null,
      end_result: s.endResult ?? null,
      result: s.endResult ? '{}' : null,
    })
    .execute();
}

export async function findSessionById(db: Db, id: string): Promise<SessionRow | undefined> {
  const r = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRow(r) : undefined;
}

export async function findSessionByQrToken(db: Db, token: string): Promise<SessionRow | undefined> {
  const r = await db
    .selectFrom('sessions')
    .selectAll()
    .where('qr_token', '=', token)
    .executeTakeFirst();
  return r ? toRow(r) : undefined;
}

/** Running, unexpired sessions addressed to a device, oldest first. */
export async function listRunningSessionsOfDevice(
  db: Db,
  deviceId: string,
  now: Date,
): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('state', '=', 'RUNNING')
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .limit(10)
    .execute();
  return rows.map(toRow);
}

/**
 * RUNNING → COMPLETE, only if still running (and, when given, still addressed to that device):
 * of two answers racing on two nodes exactly one wins; the loser changes nothing.
 */
export async function completeSessionIfRunning(
  db: Db,
  id: string,
  change: { endResult: string; result: StoredResult; completedAt: Date; deviceId?: string },
): Promise<SessionRow | undefined> {
  let q = db
    .updateTable('sessions')
    .set({
      state: 'COMPLETE',
      end_result: change.endResult,
      result: JSON.stringify(change.result),
      completed_at: change.completedAt,
    })
    .where('id', '=', id)
    .where('state', '=', 'RUNNING');
  if (change.deviceId !== undefined) q = q.where('device_id', '=', change.deviceId);
  const r = await q.returningAll().executeTakeFirst();
  return r ? toRow(r) : undefined;
}

/** End a person's running sessions: TIMEOUT if already expired, else CANCELLED (F13). */
export async function endRunningSessionsOfPerson(
  db: Db,
  personId: string,
  now: Date,
): Promise<SessionRow[]> {
  const rows = await db
    .updateTable('sessions')
    .set({
      state: 'COMPLETE',
      end_result: sql<string>`case when expires_at <= ${now} then 'TIMEOUT' else 'CANCELLED' end`,
      result: '{}',
      completed_at: now,
    })
    .where('person_id', '=', personId)
    .where('state', '=', 'RUNNING')
    .returningAll()
    .execute();
  return rows.map(toRow);
}

/** The device that scanned the QR code becomes the one asked; only while nobody has claimed it. */
export async function claimQrSession(
  db: Db,
  id: string,
  personId: string,
  deviceId: string,
  now: Date,
): Promise<SessionRow | undefined> {
  const r = await db
    .updateTable('sessions')
    .set({ person_id: personId, device_id: deviceId })
    .where('id', '=', id)
    .where('state', '=', 'RUNNING')
    .where('device_id', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  return r ? toRow(r) : undefined;
}

/** Complete up to `limit` expired running sessions as TIMEOUT; returns them. */
export async function timeOutExpiredSessions(
  db: Db,
  now: Date,
  limit: number,
): Promise<SessionRow[]> {
  const rows = await db
    .updateTable('sessions')
    .set({ state: 'COMPLETE', end_result: 'TIMEOUT', result: '{}', completed_at: now })
    .where(
      'id',
      'in',
      db
        .selectFrom('sessions')
        .select('id')
        .where('state', '=', 'RUNNING')
        .where('expires_at', '<=', now)
        .limit(limit),
    )
    .where('state', '=', 'RUNNING')
    .returningAll()
    .execute();
  return rows.map(toRow);
}

export interface IdempotencyRecord {
  requestHash: Buffer;
  sessionId: string;
  response: Record<string, unknown>;
}

/**
 * Claim an Idempotency-Key for a new session, or find the live record of an earlier request.
 * A record older than `staleBefore` is replaced. Concurrent claims of one key serialise on the
 * primary key: the second waits for the first to commit and then sees its record.
 */
export async function claimIdempotencyKey(
  db: Db,
  record: {
    clientId: string;
    key: string;
    requestHash: Buffer;
    sessionId: string;
    response: Record<string, unknown>;
    now: Date;
  },
  staleBefore: Date,
): Promise<IdempotencyRecord | undefined> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      client_id: record.clientId,
      key: record.key,
      request_hash: record.requestHash,
      session_id: record.sessionId,
      response: JSON.stringify(record.response),
      created_at: record.now,
    })
    .onConflict((oc) =>
      oc
        .columns(['client_id', 'key'])
        .doUpdateSet({
          request_hash: (eb) => eb.ref('excluded.request_hash'),
          session_id: (eb) => eb.ref('excluded.session_id'),
          response: (eb) => eb.ref('excluded.response'),
          created_at: (eb) => eb.ref('excluded.created_at'),
        })
        .where('idempotency_keys.created_at', '<', staleBefore),
    )
    .returning('session_id')
    .executeTakeFirst();
  if (inserted) return undefined;
  const existing = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'session_id', 'response'])
    .where('client_id', '=', record.clientId)
    .where('key', '=', record.key)
    .executeTakeFirstOrThrow();
  return {
    requestHash: Buffer.from(existing.request_hash),
    sessionId: existing.session_id,
    response: json<Record<string, unknown>>(existing.response) ?? {},
  };
}

export async function deleteIdempotencyKeysBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
}
