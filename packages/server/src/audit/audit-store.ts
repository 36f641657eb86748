import type { Db } from '../db/db.js';
import { toBuffer } from './log-tree-store.js';

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

export interface LogEntryRow {
  id: number;
  leafIndex: number | null;
  type: string;
  actor: string;
  personId: string | null;
  clientId: string | null;
  entryJson: string;
  leafHash: Buffer;
  createdAt: Date;
}

const entryColumns = [
  'id',
  'leaf_index',
  'type',
  'actor',
  'person_id',
  'client_id',
  'entry_json',
  'leaf_hash',
  'created_at',
] as const;

function toRow(r: {
  id: number;
  leaf_index: number | null;
  type: string;
  actor: string;
  person_id: string | null;
  client_id: string | null;
  entry_json: string;
  leaf_hash: Buffer;
  created_at: Date;
}): LogEntryRow {
  return {
    id: Number(r.id),
    leafIndex: r.leaf_index === null ? null : Number(r.leaf_index),
    type: r.type,
    actor: r.actor,
    personId: r.person_id,
    clientId: r.client_id,
    entryJson: r.entry_json,
    leafHash: toBuffer(r.leaf_hash),
    createdAt: r.created_at,
  };
}

/** A person's entries, newest first; `before` is an exclusive id cursor. */
export async function listLogEntriesOfPerson(
  db: Db,
  personId: string,
  options: { types?: readonly string[] | undefined; before?: number | undefined; limit: number },
): Promise<LogEntryRow[]> {
  let q = db
    .selectFrom('log_entries')
    .select(entryColumns)
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.types && options.types.length > 0) q = q.where('type', 'in', [...options.types]);
  if (options.before !== undefined) q = q.where('id', '<', options.before);
  return (await q.execute()).map(toRow);
}

/** Entries whose leaf index is in [start, end), by leaf index. */
export async function listLogEntriesByLeafIndex(
  db: Db,
  start: number,
  end: number,
): Promise<LogEntryRow[]> {
  const rows = await db
    .selectFrom('log_entries')
    .select(entryColumns)
    .where('leaf_index', '>=', start)
    .where('leaf_index', '<', end)
    .orderBy('leaf_index', 'asc')
    .execute();
  return rows.map(toRow);
}

/** The largest leaf index in use, and how many entries await sequencing. */
export async function summarizeLogEntries(
  db: Db,
): Promise<{ maxLeafIndex: number | null; pending: number }> {
  const row = await db
    .selectFrom('log_entries')
    .select((eb) => [
      eb.fn.max('leaf_index').as('max_leaf_index'),
      eb.fn.countAll<number>().filterWhere('leaf_index', 'is', null).as('pending'),
    ])
    .executeTakeFirstOrThrow();
  return {
    maxLeafIndex: row.max_leaf_index === null ? null : Number(row.max_leaf_index),
    pending: Number(row.pending),
  };
}
