import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { CredentialTable } from './credential-tables.js';

/** SQL of credentials/ (CONVENTIONS §7): issuer keys, issued credentials, status revision. */

export interface IssuerKeyRow {
  kid: string;
  generation: number;
  publicJwk: string;
  sealed: string;
}

export async function listIssuerKeyRows(db: Db): Promise<IssuerKeyRow[]> {
  const rows = await db
    .selectFrom('credential_issuer_keys')
    .select(['kid', 'generation', 'public_jwk', 'sealed'])
    .where('retired_at', 'is', null)
    .orderBy('generation', 'desc')
    .execute();
  return rows.map((r) => ({
    kid: r.kid,
    generation: r.generation,
    publicJwk: r.public_jwk,
    sealed: r.sealed,
  }));
}

/** Insert unless the generation exists (another node made it first); true when inserted. */
export async function insertIssuerKey(db: Db, row: IssuerKeyRow): Promise<boolean> {
  const result = await db
    .insertInto('credential_issuer_keys')
    .values({
      kid: row.kid,
      generation: row.generation,
      public_jwk: row.publicJwk,
      sealed: row.sealed,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface CredentialRow {
  id: string;
  personId: string;
  deviceId: string;
  statusIndex: number;
  status: number;
  claimsDigest: string;
  kid: string;
  sealed: string;
  issuedAt: Date;
  expiresAt: Date;
  supersededAt: Date | null;
}

const columns = [
  'id',
  'person_id',
  'device_id',
  'status_index',
  'status',
  'claims_digest',
  'kid',
  'sealed',
  'issued_at',
  'expires_at',
  'superseded_at',
] as const;

type Row = Selectable<CredentialTable>;

const toRow = (r: Row): CredentialRow => ({
  id: r.id,
  personId: r.person_id,
  deviceId: r.device_id,
  statusIndex: Number(r.status_index),
  status: Number(r.status),
  claimsDigest: r.claims_digest,
  kid: r.kid,
  sealed: r.sealed,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  supersededAt: r.superseded_at,
});

export async function nextStatusIndex(db: Db): Promise<number> {
  const { rows } = await sql<{
    idx: string | number;
  }>`select nextval('credential_status_index_seq') as idx`.execute(db);
  return Number(rows[0]?.idx);
}

/** The highest status index handed out so far (-1 before the first). */
export async function maxStatusIndex(db: Db): Promise<number> {
  const row = await db
    .selectFrom('credentials')
    .select((eb) => eb.fn.max('status_index').as('max'))
    .executeTakeFirst();
  return row?.max === null || row?.max === undefined ? -1 : Number(row.max);
}

export async function findCurrentCredentialOfDevice(
  db: Db,
  deviceId: string,
  options: { forUpdate?: boolean } = {},
): Promise<CredentialRow | undefined> {
  let query = db
    .selectFrom('credentials')
    .select(columns)
    .where('device_id', '=', deviceId)
    .where('superseded_at', 'is', null)
    .orderBy('issued_at', 'desc')
    .limit(1);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toRow(row as Row);
}

export async function insertCredential(db: Db, row: CredentialRow): Promise<void> {
  await db
    .insertInto('credentials')
    .values({
      id: row.id,
      person_id: row.personId,
      device_id: row.deviceId,
      status_index: row.statusIndex,
      status: row.status,
      claims_digest: row.claimsDigest,
      kid: row.kid,
      sealed: row.sealed,
      issued_at: row.issuedAt,
      expires_at: row.expiresAt,
      superseded_at: null,
    })
    .execute();
}

export async function supersedeCredential(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('credentials')
    .set({ superseded_at: at, status: 1 })
    .where('id', '=', id)
    .execute();
}

/** Set the status of a device's live credentials; returns the ids that changed. */
export async function setDeviceCredentialStatus(
  db: Db,
  deviceId: string,
  status: number,
): Promise<string[]> {
  const rows = await db
    .updateTable('credentials')
    .set({ status })
    .where('device_id', '=', deviceId)
    .where('superseded_at', 'is', null)
    .where('status', '<>', status)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function bumpStatusRevision(db: Db): Promise<void> {
  await db
    .updateTable('credential_state')
    .set((eb) => ({ status_revision: eb('status_revision', '+', 1) }))
    .where('id', '=', 1)
    .execute();
}

export async function readStatusRevision(db: Db): Promise<number> {
  const row = await db
    .selectFrom('credential_state')
    .select('status_revision')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.status_revision);
}

/** Indices in [from, to) whose status is not 0. */
export async function listNonZeroStatuses(
  db: Db,
  from: number,
  to: number,
): Promise<{ index: number; status: number }[]> {
  const rows = await db
    .selectFrom('credentials')
    .select(['status_index', 'status'])
    .where('status_index', '>=', from)
    .where('status_index', '<', to)
    .where('status', '<>', 0)
    .execute();
  return rows.map((r) => ({ index: Number(r.status_index), status: Number(r.status) }));
}

/** Serialise issuance for one device across nodes (transaction-scoped advisory lock). */
export async function lockDeviceCredentials(db: Db, deviceId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`credential:${deviceId}`}, 0))`.execute(
    db,
  );
}
