import type { Db } from '../db/db.js';

/** Remember a proof's jti for its key; false when it was seen before (a replay). */
export async function insertProofJti(
  db: Db,
  entry: { keyThumbprint: string; jti: string; expiresAt: Date },
): Promise<boolean> {
  const result = await db
    .insertInto('device_proof_jtis')
    .values({ key_thumbprint: entry.keyThumbprint, jti: entry.jti, expires_at: entry.expiresAt })
    .onConflict((oc) => oc.columns(['key_thumbprint', 'jti']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Forget jti values whose proofs can no longer pass the freshness check. */
export async function deleteExpiredProofJtis(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('device_proof_jtis')
    .where('expires_at', '<', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
