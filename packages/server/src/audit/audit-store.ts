import type { Db } from '../db/db.js';

export interface NewLogEntry {
  type: string;
  actor: string;
  personId: string | null;
  clientId: string | null;
  entryJson: string;
  leafHash: Buffer;
}

export async function insertLogEntry(db: Db, entry: NewLogEntry): Promise<number> {
  const row = await db
    .insertInto('log_entries')
    .values({
      type: entry.type,
      actor: entry.actor,
      person_id: entry.personId,
      client_id: entry.clientId,
      entry_json: entry.entryJson,
      leaf_hash: entry.leafHash,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
