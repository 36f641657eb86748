import type { Db } from '../db/db.js';

export interface StoredKeyRow {
  sealed: string;
  publicData: string | null;
}

export async function findStoredKey(db: Db, name: string): Promise<StoredKeyRow | undefined> {
  const row = await db
    .selectFrom('stored_keys')
    .select(['sealed', 'public_data'])
    .where('name', '=', name)
    .executeTakeFirst();
  return row && { sealed: row.sealed, publicData: row.public_data };
}

/** Insert unless another node stored the key first (the caller then reads the winner). */
export async function insertStoredKeyIfAbsent(
  db: Db,
  key: { name: string; sealed: string; publicData: string },
): Promise<void> {
  await db
    .insertInto('stored_keys')
    .values({ name: key.name, sealed: key.sealed, public_data: key.publicData })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}
