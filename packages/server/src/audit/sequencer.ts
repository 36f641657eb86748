import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { leafHash } from './leaf-hash.js';
import type { LogSigningKey } from './log-key.js';
import {
  assignLeafIndexes,
  findLatestTreeHead,
  findTreeNodes,
  insertTreeHead,
  insertTreeNodes,
  listPendingEntries,
  lockSequencer,
} from './log-tree-store.js';
import {
  appendLeaves,
  EMPTY_ROOT,
  foldNodes,
  frontierKeys,
  nodeKeyId,
  type TreeNode,
} from './merkle.js';
import { type SignedTreeHead, signTreeHead } from './tree-head.js';

/** Entries integrated per transaction: bounds the transaction while keeping heads few. */
export const SEQUENCER_BATCH_SIZE = 2000;

/**
 * Integrate one batch of unsequenced entries, in id order, inside `trx`: assign contiguous leaf
 * indexes after the latest head, persist the perfect subtrees that complete, sign the new head.
 * Reads O(log n) frontier nodes plus the batch. The advisory lock makes nodes take turns, and it
 * is taken before the pending entries are read, so an entry committed later gets a later index.
 * Signs the empty tree when the log has no head yet.
 */
export async function integrateBatch(
  trx: Db,
  deps: { key: LogSigningKey; clock: Clock; batchSize?: number },
): Promise<{ head: SignedTreeHead; integrated: number }> {
  await lockSequencer(trx);
  const latest = await findLatestTreeHead(trx);
  const pending = await listPendingEntries(trx, deps.batchSize ?? SEQUENCER_BATCH_SIZE);
  if (latest && pending.length === 0) return { head: latest, integrated: 0 };

  const size = latest?.treeSize ?? 0;
  const keys = frontierKeys(size);
  const found = await findTreeNodes(trx, keys);
  const frontier: TreeNode[] = keys.map((k) => {
    const hash = found.get(nodeKeyId(k));
    if (!hash) throw new Error(`log tree node ${nodeKeyId(k)} is missing; run openmid log verify`);
    return { ...k, hash };
  });
  // Never extend a tree whose stored nodes disagree with what was signed.
  const previousRoot = foldNodes(frontier.map((f) => f.hash));
  if (!previousRoot.equals(latest?.rootHash ?? EMPTY_ROOT)) {
    throw new Error(
      `log tree nodes do not match the signed head of size ${size}; run openmid log verify`,
    );
  }

  const step = appendLeaves(
    frontier,
    size,
    pending.map((e) => leafHash(Buffer.from(e.entryJson, 'utf8'))),
  );
  const assigned = await assignLeafIndexes(
    trx,
    size,
    pending.map((e) => e.id),
  );
  if (assigned !== pending.length) throw new Error('log entries changed while being sequenced');
  await insertTreeNodes(trx, step.completed);
  const head = signTreeHead(deps.key, {
    treeSize: step.size,
    rootHash: foldNodes(step.frontier.map((f) => f.hash)),
    // Heads never go back in time, even when nodes' clocks differ.
    timestamp: Math.max(deps.clock.now().getTime(), latest?.timestamp ?? 0),
  });
  await insertTreeHead(trx, head);
  return { head, integrated: pending.length };
}
