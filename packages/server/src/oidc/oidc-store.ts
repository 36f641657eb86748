import { sql } from 'kysely';
import type { Db } from '../db/db.js';

/** One oidc-provider artifact as stored. */
export interface StoredPayload {
  payload: Record<string, unknown>;
  expiresAt: Date | null;
  consumedAt: Date | null;
}

export interface PayloadWrite {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  grantId?: string | undefined;
  userCode?: string | undefined;
  uid?: string | undefined;
  expiresAt: Date | null;
}

export async function upsertPayload(db: Db, row: PayloadWrite): Promise<void> {
  const values = {
    model: row.model,
    id: row.id,
    payload: JSON.stringify(row.payload),
    grant_id: row.grantId ?? null,
    user_code: row.userCode ?? null,
    uid: row.uid ?? null,
    expires_at: row.expiresAt,
    consumed_at: null,
  };
  await db
    .insertInto('oidc_payloads')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['model', 'id']).doUpdateSet({
        payload: values.payload,
        grant_id: values.grant_id,
        user_code: values.user_code,
        uid: values.uid,
        expires_at: values.expires_at,
      }),
    )
    .execute();
}

type Lookup = { id: string } | { uid: string } | { userCode: string };

export async function findPayload(
  db: Db,
  model: string,
  lookup: Lookup,
  now: Date,
): Promise<StoredPayload | undefined> {
  let query = db
    .selectFrom('oidc_payloads')
    .select(['payload', 'expires_at', 'consumed_at'])
    .where('model', '=', model)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  if ('id' in lookup) query = query.where('id', '=', lookup.id);
  else if ('uid' in lookup) query = query.where('uid', '=', lookup.uid);
  else query = query.where('user_code', '=', lookup.userCode);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  return {
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}

export async function consumePayload(db: Db, model: string, id: string, now: Date): Promise<void> {
  await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: now })
    .where('model', '=', model)
    .where('id', '=', id)
    .execute();
}

export async function deletePayload(db: Db, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

export async function deletePayloadsOfGrant(db: Db, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
}

/** Housekeeping: drop artifacts that expired more than `graceMs` ago. */
export async function deleteExpiredPayloads(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('oidc_payloads')
    .where('expires_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface SigningKeyRow {
  kid: string;
  alg: string;
  sealed: string;
  publicJwk: string;
  createdAt: Date;
}

/** Newest first: oidc-provider signs with the first key of an algorithm. */
export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
  const rows = await db
    .selectFrom('oidc_signing_keys')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'asc')
    .execute();
  return rows.map((r) => ({
    kid: r.kid,
    alg: r.alg,
    sealed: r.sealed,
    publicJwk: r.public_jwk,
    createdAt: r.created_at,
  }));
}

export async function insertSigningKeys(
  db: Db,
  keys: { kid: string; alg: string; sealed: string; publicJwk: string; createdAt: Date }[],
): Promise<void> {
  await db
    .insertInto('oidc_signing_keys')
    .values(
      keys.map((k) => ({
        kid: k.kid,
        alg: k.alg,
        sealed: k.sealed,
        public_jwk: k.publicJwk,
        created_at: k.createdAt,
      })),
    )
    .onConflict((oc) => oc.column('kid').doNothing())
    .execute();
}

/** Serialise first-start key creation across nodes (PostgreSQL advisory lock in the transaction). */
export async function lockSigningKeys(db: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('openmid.oidc_signing_keys'))`.execute(db);
}

export interface MidSessionRow {
  ref: string;
  sessionId: string;
  clientId: string;
  claims: string[];
  qrSecret: string | null;
  qrToken: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  polledAt: Date | null;
}

export async function insertMidSession(
  db: Db,
  row: {
    ref: string;
    sessionId: string;
    clientId: string;
    claims: string[];
    qrSecret?: string | undefined;
    qrToken?: string | undefined;
    createdAt: Date;
  },
): Promise<void> {
  const values = {
    ref: row.ref,
    session_id: row.sessionId,
    client_id: row.clientId,
    claims: JSON.stringify(row.claims),
    qr_secret: row.qrSecret ?? null,
    qr_token: row.qrToken ?? null,
    created_at: row.createdAt,
    resolved_at: null,
    polled_at: null,
  };
  // A new attempt on the same log-in page replaces the previous one.
  await db
    .insertInto('oidc_mid_sessions')
    .values(values)
    .onConflict((oc) =>
      oc.column('ref').doUpdateSet({
        session_id: values.session_id,
        client_id: values.client_id,
        claims: values.claims,
        qr_secret: values.qr_secret,
        qr_token: values.qr_token,
        created_at: values.created_at,
        resolved_at: null,
        polled_at: null,
      }),
    )
    .execute();
}

export async function findMidSession(db: Db, ref: string): Promise<MidSessionRow | undefined> {
  const r = await db
    .selectFrom('oidc_mid_sessions')
    .selectAll()
    .where('ref', '=', ref)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    ref: r.ref,
    sessionId: r.session_id,
    clientId: r.client_id,
    claims: JSON.parse(r.claims) as string[],
    qrSecret: r.qr_secret,
    qrToken: r.qr_token,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    polledAt: r.polled_at,
  };
}

/** Mark resolved; true only for the one caller (on any node) that did it. */
export async function claimMidSessionResolution(
  db: Db,
  ref: string,
  sessionId: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('oidc_mid_sessions')
    .set({ resolved_at: now })
    .where('ref', '=', ref)
    .where('session_id', '=', sessionId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Record a CIBA poll; returns the previous poll time. */
export async function recordMidSessionPoll(
  db: Db,
  ref: string,
  now: Date,
): Promise<{ previous: Date | null } | undefined> {
  const before = await db
    .selectFrom('oidc_mid_sessions')
    .select('polled_at')
    .where('ref', '=', ref)
    .executeTakeFirst();
  if (!before) return undefined;
  await db
    .updateTable('oidc_mid_sessions')
    .set({ polled_at: now })
    .where('ref', '=', ref)
    .execute();
  return { previous: before.polled_at };
}
