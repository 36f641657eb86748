import { sql } from 'kysely';
import type { Db } from '../db/db.js';

/** SQL of the pki module (CONVENTIONS §7: only stores write SQL). */

const CA_LOCK_KEY = 0x6f6d_6361; // 'omca': serialises CA creation across nodes

/** Transaction-scoped advisory lock: two nodes starting together create exactly one CA. */
export async function lockCaCreation(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(${CA_LOCK_KEY})`.execute(trx);
}

export interface CaCertificateRow {
  role: string;
  generation: number;
  der: Buffer;
  keyName: string;
  notAfter: Date;
}

/** The newest generation of every role. */
export async function listCurrentCaCertificates(db: Db): Promise<CaCertificateRow[]> {
  const rows = await db
    .selectFrom('ca_certificates as c')
    .select(['c.role', 'c.generation', 'c.der', 'c.key_name', 'c.not_after'])
    .where(({ eb, selectFrom }) =>
      eb(
        'c.generation',
        '=',
        selectFrom('ca_certificates as d')
          .select(({ fn }) => fn.max('d.generation').as('g'))
          .whereRef('d.role', '=', 'c.role'),
      ),
    )
    .execute();
  return rows.map((r) => ({
    role: r.role,
    generation: Number(r.generation),
    der: r.der,
    keyName: r.key_name,
    notAfter: r.not_after,
  }));
}

export async function insertCaCertificate(db: Db, row: CaCertificateRow): Promise<void> {
  await db
    .insertInto('ca_certificates')
    .values({
      role: row.role,
      generation: row.generation,
      der: row.der,
      key_name: row.keyName,
      not_after: row.notAfter,
    })
    .execute();
}

export async function findSealedKey(db: Db, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('stored_keys')
    .select('sealed')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.sealed;
}

export async function insertSealedKey(
  db: Db,
  key: { name: string; sealed: string; publicData: string },
): Promise<void> {
  await db
    .insertInto('stored_keys')
    .values({ name: key.name, sealed: key.sealed, public_data: key.publicData })
    .execute();
}

export interface CertificateRow {
  serialHex: string;
  purpose: string;
  personId: string;
  deviceId: string;
  status: string;
  der: Buffer;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  revocationReason: string | null;
  revision: number;
}

const certificateColumns = [
  'serial_hex',
  'purpose',
  'person_id',
  'device_id',
  'status',
  'der',
  'not_before',
  'not_after',
  'revoked_at',
  'revocation_reason',
  'revision',
] as const;

type RawCertificateRow = {
  serial_hex: string;
  purpose: string;
  person_id: string;
  device_id: string;
  status: string;
  der: Buffer;
  not_before: Date;
  not_after: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
  revision: number;
};

const toCertificateRow = (r: RawCertificateRow): CertificateRow => ({
  serialHex: r.serial_hex,
  purpose: r.purpose,
  personId: r.person_id,
  deviceId: r.device_id,
  status: r.status,
  der: r.der,
  notBefore: r.not_before,
  notAfter: r.not_after,
  revokedAt: r.revoked_at,
  revocationReason: r.revocation_reason,
  revision: Number(r.revision),
});

/** Insert a new certificate; false when the serial is taken (the caller draws another). */
export async function insertCertificate(db: Db, row: CertificateRow): Promise<boolean> {
  const inserted = await db
    .insertInto('certificates')
    .values({
      serial_hex: row.serialHex,
      purpose: row.purpose,
      person_id: row.personId,
      device_id: row.deviceId,
      status: row.status,
      der: row.der,
      not_before: row.notBefore,
      not_after: row.notAfter,
      revoked_at: row.revokedAt,
      revocation_reason: row.revocationReason,
      revision: row.revision,
    })
    .onConflict((oc) => oc.column('serial_hex').doNothing())
    .returning('serial_hex')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function isSerialTaken(db: Db, serialHex: string): Promise<boolean> {
  const row = await db
    .selectFrom('certificates')
    .select('serial_hex')
    .where('serial_hex', '=', serialHex)
    .executeTakeFirst();
  return row !== undefined;
}

export async function findCertificateRow(
  db: Db,
  serialHex: string,
  options: { forUpdate?: boolean } = {},
): Promise<CertificateRow | undefined> {
  let q = db
    .selectFrom('certificates')
    .select(certificateColumns)
    .where('serial_hex', '=', serialHex);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toCertificateRow(row);
}

export async function listCertificateRowsOfDevice(
  db: Db,
  deviceId: string,
): Promise<CertificateRow[]> {
  const rows = await db
    .selectFrom('certificates')
    .select(certificateColumns)
    .where('device_id', '=', deviceId)
    .orderBy('created_at')
    .orderBy('serial_hex')
    .execute();
  return rows.map(toCertificateRow);
}

/** Set a certificate's status and bump its revision and the revision of the revoked set. */
export async function updateCertificateStatus(
  db: Db,
  serialHex: string,
  change: { status: string; revokedAt: Date | null; revocationReason: string | null },
): Promise<CertificateRow> {
  const row = await db
    .updateTable('certificates')
    .set({
      status: change.status,
      revoked_at: change.revokedAt,
      revocation_reason: change.revocationReason,
      revision: sql<number>`revision + 1`,
    })
    .where('serial_hex', '=', serialHex)
    .returning(certificateColumns)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('pki_state')
    .set({ status_revision: sql<number>`status_revision + 1` })
    .where('id', '=', 1)
    .execute();
  return toCertificateRow(row);
}

/** Revoked and held certificates not yet expired, for the CRL. */
export async function listRevokedCertificates(
  db: Db,
  now: Date,
): Promise<Pick<CertificateRow, 'serialHex' | 'status' | 'revokedAt' | 'revocationReason'>[]> {
  const rows = await db
    .selectFrom('certificates')
    .select(['serial_hex', 'status', 'revoked_at', 'revocation_reason'])
    .where('status', '<>', 'good')
    .where('not_after', '>', now)
    .orderBy('serial_hex')
    .execute();
  return rows.map((r) => ({
    serialHex: r.serial_hex,
    status: r.status,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
  }));
}

/** The revision of the revoked set; with forUpdate, status changes wait until the caller commits. */
export async function readStatusRevision(db: Db, forUpdate = false): Promise<number> {
  let q = db.selectFrom('pki_state').select('status_revision').where('id', '=', 1);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.status_revision);
}

export interface OcspResponseRow {
  serialHex: string;
  der: Buffer;
  revision: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

/** Stored responses still valid at `now`, for many serials in one query (request batching). */
export async function findOcspResponses(
  db: Db,
  serialHexes: readonly string[],
  now: Date,
): Promise<Map<string, StoredOcspResponse>> {
  const rows = await db
    .selectFrom('ocsp_responses')
    .select(['serial_hex', 'der', 'revision', 'next_update'])
    .where('serial_hex', 'in', serialHexes)
    .where('next_update', '>', now)
    .execute();
  return new Map(
    rows.map((r) => [
      r.serial_hex,
      { der: r.der, revision: Number(r.revision), nextUpdate: r.next_update },
    ]),
  );
}

export interface StoredOcspResponse {
  der: Buffer;
  revision: number;
  nextUpdate: Date;
}

/** Store a response unless a newer revision is already stored (a status change raced us). */
export async function upsertOcspResponse(db: Db, row: OcspResponseRow): Promise<void> {
  await db
    .insertInto('ocsp_responses')
    .values({
      serial_hex: row.serialHex,
      der: row.der,
      revision: row.revision,
      this_update: row.thisUpdate,
      next_update: row.nextUpdate,
    })
    .onConflict((oc) =>
      oc
        .column('serial_hex')
        .doUpdateSet((eb) => ({
          der: eb.ref('excluded.der'),
          revision: eb.ref('excluded.revision'),
          this_update: eb.ref('excluded.this_update'),
          next_update: eb.ref('excluded.next_update'),
        }))
        .where('ocsp_responses.revision', '<=', (eb) => eb.ref('excluded.revision')),
    )
    .execute();
}

/** Certificates (not expired) whose stored response is missing or expires before `before`. */
export async function listCertificatesNeedingOcsp(
  db: Db,
  now: Date,
  before: Date,
  limit: number,
): Promise<CertificateRow[]> {
  const rows = await db
    .selectFrom('certificates as c')
    .leftJoin('ocsp_responses as o', 'o.serial_hex', 'c.serial_hex')
    .select([
      'c.serial_hex',
      'c.purpose',
      'c.person_id',
      'c.device_id',
      'c.status',
      'c.der',
      'c.not_before',
      'c.not_after',
      'c.revoked_at',
      'c.revocation_reason',
      'c.revision',
    ])
    .where('c.not_after', '>', now)
    .where((eb) => eb.or([eb('o.serial_hex', 'is', null), eb('o.next_update', '<', before)]))
    .orderBy('o.next_update')
    .limit(limit)
    .execute();
  return rows.map(toCertificateRow);
}

export interface CrlRow {
  crlNumber: number;
  der: Buffer;
  statusRevision: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

export async function findLatestCrl(db: Db): Promise<CrlRow | undefined> {
  const r = await db
    .selectFrom('crls')
    .select(['crl_number', 'der', 'status_revision', 'this_update', 'next_update'])
    .orderBy('crl_number', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (
    r && {
      crlNumber: Number(r.crl_number),
      der: r.der,
      statusRevision: Number(r.status_revision),
      thisUpdate: r.this_update,
      nextUpdate: r.next_update,
    }
  );
}

export async function insertCrl(db: Db, row: CrlRow): Promise<void> {
  await db
    .insertInto('crls')
    .values({
      crl_number: row.crlNumber,
      der: row.der,
      status_revision: row.statusRevision,
      this_update: row.thisUpdate,
      next_update: row.nextUpdate,
    })
    .execute();
  // Keep a short history only: relying parties fetch the newest.
  await db
    .deleteFrom('crls')
    .where('crl_number', '<', row.crlNumber - 16)
    .execute();
}

/** Every certificate, for an OpenSSL index file (status, expiry, revocation). */
export async function listAllCertificates(
  db: Db,
): Promise<
  Pick<CertificateRow, 'serialHex' | 'status' | 'notAfter' | 'revokedAt' | 'revocationReason'>[]
> {
  const rows = await db
    .selectFrom('certificates')
    .select(['serial_hex', 'status', 'not_after', 'revoked_at', 'revocation_reason'])
    .orderBy('serial_hex')
    .execute();
  return rows.map((r) => ({
    serialHex: r.serial_hex,
    status: r.status,
    notAfter: r.not_after,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
  }));
}
