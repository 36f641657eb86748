import type { Db } from '../db/db.js';
import { listLogEntriesByLeafIndex, summarizeLogEntries } from './audit-store.js';
import {
  findLatestTreeHead,
  findMaxLeafNodeIndex,
  findTreeNodes,
  listLeafNodes,
  listTreeHeads,
} from './log-tree-store.js';
import type { LogSource } from './log-verifier.js';

/** What `verifyLog` reads, from the database (read-only). */
export function createDbLogSource(db: Db): LogSource {
  return {
    latestTreeHead: () => findLatestTreeHead(db),
    listTreeHeads: (afterSize, limit) => listTreeHeads(db, afterSize, limit),
    listEntries: (start, end) => listLogEntriesByLeafIndex(db, start, end),
    listLeafNodes: (start, end) => listLeafNodes(db, start, end),
    findTreeNodes: (keys) => findTreeNodes(db, keys),
    async summarize() {
      const entries = await summarizeLogEntries(db);
      return { ...entries, maxLeafNodeIndex: (await findMaxLeafNodeIndex(db)) ?? null };
    },
  };
}
