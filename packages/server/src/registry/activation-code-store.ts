import type { Db } from '../db/db.js';
import type { ActivationCodeTable } from './registry-tables.js';

export interface ActivationCodeRow {
  id: string;
  personId: string;
  secretHash: Buffer;
  pukSealed: string | null;
  status: ActivationCodeTable['status'];
  failedAttempts: number;
  expiresAt: Date;
  createdAt: Date;
}

const columns = [
  'id',
  'person_id',
  'secret_hash',
  'puk_sealed',
  'status',
  'failed_attempts',
  'expires_at',
  'created_at',
] as const;

const toRow = (r: {
  id: string;
  person_id: string;
  secret_hash: Buffer;
  puk_sealed: string | null;
  status: ActivationCodeTable['status'];
  failed_attempts: number;
  expires_at: Date;
  created_at: Date;
}): ActivationCodeRow => ({
  id: r.id,
  personId: r.person_id,
  secretHash: Buffer.from(r.secret_hash),
  pukSealed: r.puk_sealed,
  status: r.status,
  failedAttempts: Number(r.failed_attempts),
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});

/** Insert a new code; undefined when its id is taken (the caller draws another). */
export async function insertActivationCode(
  db: Db,
  code: {
    id: string;
    personId: string;
    secretHash: Buffer;
    pukSealed: string;
    expiresAt: Date;
    createdBy: string;
  },
): Promise<ActivationCodeRow | undefined> {
  const row = await db
    .insertInto('activation_codes')
    .values({
      id: code.id,
      person_id: code.personId,
      secret_hash: code.secretHash,
      puk_sealed: code.pukSealed,
      status: 'active',
      expires_at: code.expiresAt,
      created_by: code.createdBy,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning(columns)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/** The person's outstanding codes stop working (one outstanding code per person). */
export async function supersedeActiveCodesOfPerson(db: Db, personId: string): Promise<string[]> {
  const rows = await db
    .updateTable('activation_codes')
    .set({ status: 'superseded', puk_sealed: null })
    .where('person_id', '=', personId)
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function lockActivationCodeRow(
  db: Db,
  id: string,
): Promise<ActivationCodeRow | undefined> {
  const row = await db
    .selectFrom('activation_codes')
    .select(columns)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/** One more wrong secret; at `maxAttempts` the code locks for good. Returns the new count. */
export async function recordActivationCodeFailure(
  db: Db,
  id: string,
  maxAttempts: number,
): Promise<{ failedAttempts: number; status: ActivationCodeTable['status'] }> {
  const row = await db
    .updateTable('activation_codes')
    .set((eb) => ({
      failed_attempts: eb('failed_attempts', '+', 1),
      status: eb
        .case()
        .when(eb('failed_attempts', '+', 1), '>=', maxAttempts)
        .then('locked' as const)
        .else(eb.ref('status'))
        .end(),
      puk_sealed: eb
        .case()
        .when(eb('failed_attempts', '+', 1), '>=', maxAttempts)
        .then(null)
        .else(eb.ref('puk_sealed'))
        .end(),
    }))
    .where('id', '=', id)
    .returning(['failed_attempts', 'status'])
    .executeTakeFirstOrThrow();
  return { failedAttempts: Number(row.failed_attempts), status: row.status };
}

/** Mark the code used by a device and forget its PUK. */
export async function consumeActivationCode(
  db: Db,
  id: string,
  deviceId: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('activation_codes')
    .set({ status: 'consumed', consumed_at: now, device_id: deviceId, puk_sealed: null })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
