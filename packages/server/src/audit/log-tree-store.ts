import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import { type NodeKey, nodeKeyId, type TreeNode } from './merkle.js';
import type { SignedTreeHead } from './tree-head.js';

/** bytea as Buffer: PGlite 0.5 returns a plain Uint8Array whatever parser db.ts sets. */
export const toBuffer = (v: Uint8Array): Buffer =>
  Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** Advisory lock key of the sequencer ('omlog'): one node integrates at a time. */
const SEQUENCER_LOCK = 0x6f6d6c6f67;

/** Hold the sequencer lock until the transaction ends (PostgreSQL and PGlite). */
export async function lockSequencer(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(trx);
}

interface HeadRow {
  tree_size: number;
  root_hash: Buffer;
  timestamp_ms: number;
  signature: Buffer;
  key_id: string;
}

const toHead = (r: HeadRow): SignedTreeHead => ({
  treeSize: Number(r.tree_size),
  rootHash: toBuffer(r.root_hash),
  timestamp: Number(r.timestamp_ms),
  signature: toBuffer(r.signature),
  keyId: r.key_id,
});

const headColumns = ['tree_size', 'root_hash', 'timestamp_ms', 'signature', 'key_id'] as const;

export async function findLatestTreeHead(db: Db): Promise<SignedTreeHead | undefined> {
  const row = await db
    .selectFrom('log_tree_heads')
    .select(headColumns)
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toHead(row);
}

export async function findTreeHead(db: Db, treeSize: number): Promise<SignedTreeHead | undefined> {
  const row = await db
    .selectFrom('log_tree_heads')
    .select(headColumns)
    .where('tree_size', '=', treeSize)
    .executeTakeFirst();
  return row && toHead(row);
}

/** Tree heads with tree_size > afterSize, smallest first (the verifier pages through them). */
export async function listTreeHeads(
  db: Db,
  afterSize: number,
  limit: number,
): Promise<SignedTreeHead[]> {
  const rows = await db
    .selectFrom('log_tree_heads')
    .select(headColumns)
    .where('tree_size', '>', afterSize)
    .orderBy('tree_size', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toHead);
}

export async function insertTreeHead(db: Db, head: SignedTreeHead): Promise<void> {
  await db
    .insertInto('log_tree_heads')
    .values({
      tree_size: head.treeSize,
      root_hash: head.rootHash,
      timestamp_ms: head.timestamp,
      signature: head.signature,
      key_id: head.keyId,
    })
    .execute();
}

export async function hasPendingEntries(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('log_entries')
    .select('id')
    .where('leaf_index', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The oldest unsequenced entries, in id order. */
export async function listPendingEntries(
  db: Db,
  limit: number,
): Promise<{ id: number; entryJson: string }[]> {
  const rows = await db
    .selectFrom('log_entries')
    .select(['id', 'entry_json'])
    .where('leaf_index', 'is', null)
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), entryJson: r.entry_json }));
}

/** Give ids[k] leaf index firstIndex + k, in one statement. */
export async function assignLeafIndexes(
  db: Db,
  firstIndex: number,
  ids: readonly number[],
): Promise<number> {
  const result = await sql`
    update log_entries set leaf_index = ${firstIndex}::bigint + u.ord - 1
    from unnest(${[...ids]}::bigint[]) with ordinality as u(id, ord)
    where log_entries.id = u.id and log_entries.leaf_index is null`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function insertTreeNodes(db: Db, nodes: readonly TreeNode[]): Promise<void> {
  if (nodes.length === 0) return;
  await sql`
    insert into log_tree_nodes (level, node_index, hash)
    select l, i, decode(h, 'hex')
    from unnest(${nodes.map((n) => n.level)}::smallint[], ${nodes.map((n) => n.index)}::bigint[],
                ${nodes.map((n) => n.hash.toString('hex'))}::text[]) as u(l, i, h)`.execute(db);
}

/** Hashes of the given perfect subtrees, keyed by nodeKeyId; absent ones are missing. */
export async function findTreeNodes(
  db: Db,
  keys: readonly NodeKey[],
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (keys.length === 0) return found;
  const { rows } = await sql<{ level: number; node_index: number; hash: Buffer }>`
    select n.level, n.node_index, n.hash
    from unnest(${keys.map((k) => k.level)}::smallint[], ${keys.map((k) => k.index)}::bigint[])
      as k(level, idx)
    join log_tree_nodes n on n.level = k.level and n.node_index = k.idx`.execute(db);
  for (const r of rows) {
    found.set(nodeKeyId({ level: Number(r.level), index: Number(r.node_index) }), toBuffer(r.hash));
  }
  return found;
}

/** The first leaf below treeSize whose sequenced hash is `hash`. */
export async function findLeafIndexByHash(
  db: Db,
  hash: Buffer,
  treeSize: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('log_tree_nodes')
    .select('node_index')
    .where('level', '=', 0)
    .where('hash', '=', hash)
    .where('node_index', '<', treeSize)
    .orderBy('node_index', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.node_index);
}

/** Sequenced leaf hashes (level-0 nodes) with index in [start, end). */
export async function listLeafNodes(
  db: Db,
  start: number,
  end: number,
): Promise<{ index: number; hash: Buffer }[]> {
  const rows = await db
    .selectFrom('log_tree_nodes')
    .select(['node_index', 'hash'])
    .where('level', '=', 0)
    .where('node_index', '>=', start)
    .where('node_index', '<', end)
    .orderBy('node_index', 'asc')
    .execute();
  return rows.map((r) => ({ index: Number(r.node_index), hash: toBuffer(r.hash) }));
}

/** The largest sequenced leaf index recorded in the tree nodes, if any. */
export async function findMaxLeafNodeIndex(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('log_tree_nodes')
    .select('node_index')
    .where('level', '=', 0)
    .orderBy('node_index', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.node_index);
}
