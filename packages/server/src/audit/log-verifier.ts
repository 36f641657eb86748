import { leafHash } from './leaf-hash.js';
import { anomalyTracker } from './log-anomalies.js';
import type { Finding, LogSource } from './log-findings.js';
import {
  checkHeadSignature,
  consistencyChecker,
  headCursor,
  rootChecker,
} from './log-head-checks.js';
import type { LogPublicKey } from './log-key.js';
import { appendLeaves, EMPTY_ROOT, foldNodes, type TreeNode } from './merkle.js';
import type { SignedTreeHead } from './tree-head.js';

export type { Finding, FindingKind, LogSource } from './log-findings.js';

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
