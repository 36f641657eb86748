import type { LogSource, Report } from './log-findings.js';
import type { LogPublicKey } from './log-key.js';
import {
  consistencyRanges,
  hashRanges,
  type LeafRange,
  nodesForRanges,
  verifyConsistency,
} from './merkle.js';
import { type SignedTreeHead, verifyTreeHeadSignature } from './tree-head.js';

/** Checks of the signed tree heads for verifyLog (log-verifier.ts). */
export function checkHeadSignature(
  head: SignedTreeHead,
  key: LogPublicKey,
  previous: SignedTreeHead | undefined,
  report: Report,
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
export function headCursor(source: LogSource, pageSize: number) {
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
export function rootChecker(report: Report) {
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
export function consistencyChecker(source: LogSource, report: Report) {
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
