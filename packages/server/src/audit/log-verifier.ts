import { leafHash } from './leaf-hash.js';
import type { LogPublicKey } from './log-key.js';
import {
  appendLeaves,
  consistencyRanges,
  EMPTY_ROOT,
  foldNodes,
  hashRanges,
  type LeafRange,
  type NodeKey,
  nodesForRanges,
  type TreeNode,
  verifyConsistency,
} from './merkle.js';
import { type SignedTreeHead, verifyTreeHeadSignature } from './tree-head.js';

/** What the verifier reads (createDbLogSource in log-source.ts, or a fake in tests). */
export interface LogSource {
  latestTreeHead(): Promise<SignedTreeHead | undefined>;
  /** Heads with tree_size > afterSize, smallest first. */
  listTreeHeads(afterSize: number, limit: number): Promise<SignedTreeHead[]>;
  /** Entries with leaf index in [start, end), by leaf index. */
  listEntries(
    start: number,
    end: number,
  ): Promise<{ id: number; leafIndex: number | null; entryJson: string; leafHash: Buffer }[]>;
  /** Leaf hashes as the sequencer recorded them (level-0 tree nodes) in [start, end). */
  listLeafNodes(start: number, end: number): Promise<{ index: number; hash: Buffer }[]>;
  findTreeNodes(keys: readonly NodeKey[]): Promise<Map<string, Buffer>>;
  summarize(): Promise<{
    maxLeafIndex: number | null;
    pending: number;
    maxLeafNodeIndex: number | null;
  }>;
}

export type FindingKind =
  | 'rewritten'
  | 'reordered'
  | 'deleted'
  | 'leaf-hash-column'
  | 'unexpected-entry'
  | 'missing-tree-node'
  | 'head-signature'
  | 'head-key'
  | 'head-timestamp'
  | 'head-root'
  | 'head-consistency'
  | 'no-tree-head';

export interface Finding {
  kind: FindingKind;
  message: string;
  leafIndex?: number;
  /** The other position of a reordered entry: where it was sequenced. */
  sequencedAt?: number;
  entryId?: number;
  /** For deletions: the missing range [leafIndex, endIndex). */
  endIndex?: number;
  treeSize?: number;
}

export interface VerifyReport {
  ok: boolean;
  /** Size of the latest signed tree head. */
  treeSize: number;
  entriesChecked: number;
  headsChecked: number;
  /** Entries not yet sequenced (normal; not a finding). */
  pending: number;
  findings: Finding[];
  /** Findings beyond maxFindings, counted but not listed. */
  findingsOmitted: number;
}

export interface VerifyOptions {
  /** The key heads must be signed with (an auditor pins it; the CLI defaults to the stored one). */
  publicKey: LogPublicKey;
  /** Entries and heads read per query. */
  pageSize?: number;
  maxFindings?: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Verify the whole log from its entries (F24): recompute every leaf hash from entry_json, check
 * leaf indexes are contiguous from 0, recompute the root of every signed tree head and check its
 * signature, and check each pair of consecutive heads with the consistency proof the log serves
 * (RFC 9162 §2.1.4.2). Each entry is compared with the leaf hash the sequencer recorded, which
 * tells a rewritten entry from a reordered or deleted one. Reads in pages: memory stays bounded
 * by the page size and the number of anomalies.
 */
export async function verifyLog(source: LogSource, options: VerifyOptions): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 1000;
  const maxFindings = options.maxFindings ?? 1000;
  const findings: Finding[] = [];
  let omitted = 0;
  const report = (f: Finding) => {
    if (findings.length < maxFindings) findings.push(f);
    else omitted++;
  };

  const latest = await source.latestTreeHead();
  const summary = await source.summarize();
  const treeSize = latest?.treeSize ?? 0;
  if (!latest) {
    report({ kind: 'no-tree-head', message: 'the log has no signed tree head' });
  }
  const end = Math.max(
    treeSize,
    (summary.maxLeafIndex ?? -1) + 1,
    (summary.maxLeafNodeIndex ?? -1) + 1,
  );

  const heads = headCursor(source, pageSize);
  const roots = rootChecker(report);
  const consistency = consistencyChecker(source, report);
  let previousHead: SignedTreeHead | undefined;
  let headsChecked = 0;

  // Recomputed tree over the entries; undefined from the first missing entry on.
  let frontier: TreeNode[] | undefined = [];
  let firstMissing: number | undefined;
  const checkHeadsAt = async (size: number) => {
    for (let head = await heads.peek(); head && head.treeSize <= size; head = await heads.peek()) {
      await heads.next();
      headsChecked++;
      checkHeadSignature(head, options.publicKey, previousHead, report);
      if (head.treeSize < size) {
        // Only when a head lies beyond the data: its leaves were counted as deleted.
        roots.mismatch(head, 'entries are missing');
      } else if (frontier === undefined) {
        roots.mismatch(head, `leaf_index ${firstMissing} is missing`);
      } else {
        const root = frontier.length === 0 ? EMPTY_ROOT : foldNodes(frontier.map((f) => f.hash));
        if (root.equals(head.rootHash)) roots.match(head);
        else roots.mismatch(head, 'the entries do not hash to its root');
      }
      if (previousHead && previousHead.treeSize > 0) await consistency.add(previousHead, head);
      previousHead = head;
    }
  };

  const anomalies = anomalyTracker();
  let entriesChecked = 0;
  for (let start = 0; start < end; start += pageSize) {
    const stop = Math.min(end, start + pageSize);
    const [entries, nodes] = await Promise.all([
      source.listEntries(start, stop),
      source.listLeafNodes(start, stop),
    ]);
    const entryAt = new Map(entries.map((e) => [e.leafIndex as number, e]));
    const nodeAt = new Map(nodes.map((n) => [n.index, n.hash]));
    for (let i = start; i < stop; i++) {
      await checkHeadsAt(i);
      const entry = entryAt.get(i);
      const sequenced = nodeAt.get(i);
      if (!entry) {
        anomalies.missing(i, sequenced);
        if (frontier !== undefined) firstMissing = i;
        frontier = undefined;
        continue;
      }
      entriesChecked++;
      const recomputed = leafHash(Buffer.from(entry.entryJson, 'utf8'));
      if (frontier !== undefined) frontier = appendLeaves(frontier, i, [recomputed]).frontier;
      if (i >= treeSize) {
        report({
          kind: 'unexpected-entry',
          leafIndex: i,
          entryId: entry.id,
          message: `entry ${entry.id} has leaf_index ${i}, beyond the signed tree (size ${treeSize})`,
        });
      }
      if (!sequenced) {
        if (i < treeSize) {
          report({
            kind: 'missing-tree-node',
            leafIndex: i,
            entryId: entry.id,
            message: `the sequenced leaf hash of leaf_index ${i} is missing from the tree nodes`,
          });
        }
      } else if (!recomputed.equals(sequenced)) {
        anomalies.mismatch(i, entry.id, recomputed, sequenced);
      } else if (!entry.leafHash.equals(recomputed)) {
        report({
          kind: 'leaf-hash-column',
          leafIndex: i,
          entryId: entry.id,
          message: `entry ${entry.id} at leaf_index ${i}: its leaf_hash column was altered (entry_json is intact)`,
        });
      }
    }
  }
  await checkHeadsAt(end);
  await consistency.flush();
  roots.flush();
  anomalies.report(report);

  return {
    ok: findings.length === 0 && omitted === 0,
    treeSize,
    entriesChecked,
    headsChecked,
    pending: summary.pending,
    findings,
    findingsOmitted: omitted,
  };
}

function checkHeadSignature(
  head: SignedTreeHead,
  key: LogPublicKey,
  previous: SignedTreeHead | undefined,
  report: (f: Finding) => void,
): void {
  const treeSize = head.treeSize;
  if (head.keyId !== key.keyId) {
    report({
      kind: 'head-key',
      treeSize,
      message: `tree head of size ${treeSize} names key ${head.keyId}, not the log key ${key.keyId}`,
    });
  }
  if (!verifyTreeHeadSignature(key.publicKey, head)) {
    report({
      kind: 'head-signature',
      treeSize,
      message: `tree head of size ${treeSize}: the signature does not verify with key ${key.keyId}`,
    });
  }
  if (previous && head.timestamp < previous.timestamp) {
    report({
      kind: 'head-timestamp',
      treeSize,
      message: `tree head of size ${treeSize} is dated before the head of size ${previous.treeSize}`,
    });
  }
}

/** Pages through the heads in size order. */
function headCursor(source: LogSource, pageSize: number) {
  let buffer: SignedTreeHead[] = [];
  let after = -1;
  let done = false;
  const fill = async () => {
    if (buffer.length > 0 || done) return;
    buffer = await source.listTreeHeads(after, pageSize);
    if (buffer.length < pageSize) done = true;
    const last = buffer.at(-1);
    if (last) after = last.treeSize;
  };
  return {
    async peek(): Promise<SignedTreeHead | undefined> {
      await fill();
      return buffer[0];
    },
    async next(): Promise<void> {
      await fill();
      buffer.shift();
    },
  };
}

/** Groups consecutive heads whose root does not match into one finding per run. */
function rootChecker(report: (f: Finding) => void) {
  let lastGood = 0;
  let run: { first: number; last: number; count: number; why: string; after: number } | undefined;
  const flush = () => {
    if (!run) return;
    const heads =
      run.count === 1
        ? `tree head of size ${run.first} does`
        : `tree heads of sizes ${run.first}..${run.last} (${run.count} heads) do`;
    report({
      kind: 'head-root',
      treeSize: run.first,
      message:
        `${heads} not match the log: ${run.why}; ` +
        `the difference lies in leaf_index ${run.after}..${run.first - 1}`,
    });
    run = undefined;
  };
  return {
    match(head: SignedTreeHead) {
      flush();
      lastGood = head.treeSize;
    },
    mismatch(head: SignedTreeHead, why: string) {
      if (run) {
        run.last = head.treeSize;
        run.count++;
      } else {
        run = { first: head.treeSize, last: head.treeSize, count: 1, why, after: lastGood };
      }
    },
    flush,
  };
}

/**
 * Verifies consecutive heads with the consistency proofs built from the stored tree nodes (what
 * GET /log/v1/proof/consistency serves), fetching the nodes of many pairs in one query.
 */
function consistencyChecker(source: LogSource, report: (f: Finding) => void) {
  const BATCH = 200;
  let pairs: { first: SignedTreeHead; second: SignedTreeHead; ranges: LeafRange[] }[] = [];
  const flush = async () => {
    if (pairs.length === 0) return;
    const nodes = await source.findTreeNodes(nodesForRanges(pairs.flatMap((p) => p.ranges)));
    for (const { first, second, ranges } of pairs) {
      let path: Buffer[] | undefined;
      try {
        path = hashRanges(ranges, nodes);
      } catch {
        path = undefined;
      }
      const ok =
        path !== undefined &&
        verifyConsistency(first.treeSize, second.treeSize, first.rootHash, second.rootHash, path);
      if (!ok) {
        report({
          kind: 'head-consistency',
          treeSize: second.treeSize,
          message:
            `tree heads of size ${first.treeSize} and ${second.treeSize} are not consistent: ` +
            (path
              ? 'the consistency proof does not verify'
              : 'tree nodes for the proof are missing'),
        });
      }
    }
    pairs = [];
  };
  return {
    async add(first: SignedTreeHead, second: SignedTreeHead) {
      pairs.push({ first, second, ranges: consistencyRanges(first.treeSize, second.treeSize) });
      if (pairs.length >= BATCH) await flush();
    },
    flush,
  };
}

/**
 * Collects entries that do not match their sequenced leaf hash and positions without an entry,
 * then pairs them: an entry whose bytes match the leaf sequenced elsewhere was moved (reordered),
 * any other mismatch was rewritten, and an unclaimed empty position was deleted.
 */
function anomalyTracker() {
  const strays: { index: number; entryId: number; hash: string; moved: boolean }[] = [];
  /** Sequenced hash → positions where it no longer matches (or has no entry). */
  const vacated = new Map<string, number[]>();
  const missing: { index: number; sequenced: string | undefined }[] = [];
  const LIMIT = 100_000;
  let overflow = false;
  const vacate = (hash: string, index: number) => {
    const list = vacated.get(hash) ?? [];
    list.push(index);
    vacated.set(hash, list);
  };
  return {
    mismatch(index: number, entryId: number, recomputed: Buffer, sequenced: Buffer) {
      if (strays.length >= LIMIT) {
        overflow = true;
        return;
      }
      strays.push({ index, entryId, hash: hex(recomputed), moved: false });
      vacate(hex(sequenced), index);
    },
    missing(index: number, sequenced: Buffer | undefined) {
      if (missing.length >= LIMIT) {
        overflow = true;
        return;
      }
      missing.push({ index, sequenced: sequenced && hex(sequenced) });
      if (sequenced) vacate(hex(sequenced), index);
    },
    report(report: (f: Finding) => void) {
      const claimed = new Set<number>();
      for (const s of strays) {
        const origin = vacated.get(s.hash)?.find((i) => i !== s.index && !claimed.has(i));
        if (origin !== undefined) {
          claimed.add(origin);
          s.moved = true;
          report({
            kind: 'reordered',
            leafIndex: s.index,
            sequencedAt: origin,
            entryId: s.entryId,
            message: `entry ${s.entryId} is at leaf_index ${s.index} but was sequenced at leaf_index ${origin} (reordered)`,
          });
        } else {
          report({
            kind: 'rewritten',
            leafIndex: s.index,
            entryId: s.entryId,
            message: `entry ${s.entryId} at leaf_index ${s.index} was rewritten: its entry_json does not hash to the leaf sequenced there`,
          });
        }
      }
      // A moved entry sits where another entry was sequenced; if that one is nowhere, it is gone.
      for (const s of strays) {
        if (!s.moved || claimed.has(s.index)) continue;
        report({
          kind: 'deleted',
          leafIndex: s.index,
          endIndex: s.index + 1,
          message: `the entry sequenced at leaf_index ${s.index} was deleted (entry ${s.entryId} took its place)`,
        });
      }
      // Consecutive unclaimed empty positions form one deletion.
      let run: { from: number; to: number } | undefined;
      const flush = () => {
        if (!run) return;
        const count = run.to - run.from;
        report({
          kind: 'deleted',
          leafIndex: run.from,
          endIndex: run.to,
          message:
            count === 1
              ? `leaf_index ${run.from} is missing: the entry was deleted`
              : `leaf_index ${run.from}..${run.to - 1} are missing: ${count} entries were deleted`,
        });
        run = undefined;
      };
      for (const m of missing) {
        if (claimed.has(m.index)) continue;
        if (run && run.to === m.index) run.to++;
        else {
          flush();
          run = { from: m.index, to: m.index + 1 };
        }
      }
      flush();
      if (overflow) {
        report({
          kind: 'rewritten',
          message: `more than ${LIMIT} damaged entries; the rest are not listed`,
        });
      }
    },
  };
}
