import type { Report } from './log-findings.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Collects entries that do not match their sequenced leaf hash and positions without an entry,
 * then pairs them: an entry whose bytes match the leaf sequenced elsewhere was moved (reordered),
 * any other mismatch was rewritten, and an unclaimed empty position was deleted.
 */
export function anomalyTracker() {
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
    report(report: Report) {
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
