import type { Db } from '../db/db.js';
import { AppError, badRequest } from '../errors.js';
import { type LogEntryRow, listLogEntriesByLeafIndex } from './audit-store.js';
import {
  findLatestTreeHead,
  findLeafIndexByHash,
  findTreeHead,
  findTreeNodes,
} from './log-tree-store.js';
import { consistencyRanges, hashRanges, inclusionRanges, nodesForRanges } from './merkle.js';
import type { SignedTreeHead } from './tree-head.js';

/** At most this many entries per GET /log/v1/entries page. */
export const MAX_ENTRIES_PER_PAGE = 1000;

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  auditPath: Buffer[];
}

export interface ConsistencyProof {
  first: number;
  second: number;
  consistencyPath: Buffer[];
}

/**
 * The read side of the transparency log (RFC 9162 §2.1.3, §2.1.4): heads, proofs and entries,
 * each from O(log n) stored perfect subtrees. Out-of-range parameters are AppError 400s.
 */
export interface LogReader {
  latestTreeHead(): Promise<SignedTreeHead>;
  findTreeHead(treeSize: number): Promise<SignedTreeHead | undefined>;
  inclusionProof(leafIndex: number, treeSize?: number): Promise<InclusionProof>;
  inclusionProofByHash(leafHash: Buffer, treeSize?: number): Promise<InclusionProof>;
  consistencyProof(first: number, second: number): Promise<ConsistencyProof>;
  /** Sequenced entries with leaf index in [start, end), at most MAX_ENTRIES_PER_PAGE. */
  listEntries(start: number, end: number): Promise<LogEntryRow[]>;
}

export function createLogReader(db: Db): LogReader {
  async function latestTreeHead(): Promise<SignedTreeHead> {
    const head = await findLatestTreeHead(db);
    if (!head) throw new AppError('service_unavailable', 'the log has no signed tree head yet');
    return head;
  }

  async function treeSizeFor(requested: number | undefined): Promise<number> {
    const latest = (await latestTreeHead()).treeSize;
    const size = requested ?? latest;
    if (size < 1) throw badRequest('tree_size must be at least 1');
    if (size > latest) throw badRequest(`tree_size ${size} is larger than the log (${latest})`);
    return size;
  }

  async function inclusionProof(leafIndex: number, treeSize?: number): Promise<InclusionProof> {
    const size = await treeSizeFor(treeSize);
    if (leafIndex >= size) throw badRequest(`leaf_index must be below tree_size (${size})`);
    const ranges = inclusionRanges(leafIndex, size);
    const nodes = await findTreeNodes(db, nodesForRanges(ranges));
    return { leafIndex, treeSize: size, auditPath: hashRanges(ranges, nodes) };
  }

  return {
    latestTreeHead,
    findTreeHead: (treeSize) => findTreeHead(db, treeSize),
    inclusionProof,
    async inclusionProofByHash(leafHash, treeSize) {
      const size = await treeSizeFor(treeSize);
      const leafIndex = await findLeafIndexByHash(db, leafHash, size);
      if (leafIndex === undefined) {
        throw new AppError('not_found', `no leaf with this hash in the tree of size ${size}`);
      }
      return inclusionProof(leafIndex, size);
    },
    async consistencyProof(first, second) {
      if (first < 1) throw badRequest('first must be at least 1');
      if (first > second) throw badRequest('first must not be larger than second');
      await treeSizeFor(second);
      const ranges = consistencyRanges(first, second);
      const nodes = await findTreeNodes(db, nodesForRanges(ranges));
      return { first, second, consistencyPath: hashRanges(ranges, nodes) };
    },
    async listEntries(start, end) {
      if (end <= start) throw badRequest('end must be larger than start');
      const size = (await latestTreeHead()).treeSize;
      if (start >= size) throw badRequest(`start must be below the tree size (${size})`);
      return listLogEntriesByLeafIndex(
        db,
        start,
        Math.min(end, size, start + MAX_ENTRIES_PER_PAGE),
      );
    },
  };
}
