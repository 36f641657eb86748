import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LEAF,
  naiveMth,
  naivePath,
  naiveSubproof,
  rfcVerifyConsistency,
  rfcVerifyInclusion,
  sha256,
} from '../../test/support/rfc9162-oracle.js';
import {
  appendLeaves,
  consistencyRanges,
  EMPTY_ROOT,
  foldNodes,
  frontierKeys,
  hashRanges,
  inclusionRanges,
  nodeKeyId,
  nodesForRanges,
  type TreeNode,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

// ---- Helpers over the implementation.
const MAX = 64;
const data = Array.from({ length: MAX }, (_, i) => Buffer.from(`entry ${i}`, 'utf8'));
const leafHashes = data.map((d) => sha256(LEAF, d));

/** Every perfect subtree of the full 64-leaf tree, built incrementally one leaf at a time. */
function buildNodes(leaves: readonly Buffer[]): Map<string, Buffer> {
  const all = new Map<string, Buffer>();
  let frontier: TreeNode[] = [];
  let size = 0;
  for (const leaf of leaves) {
    const step = appendLeaves(frontier, size, [leaf]);
    for (const n of step.completed) all.set(nodeKeyId(n), n.hash);
    frontier = step.frontier;
    size = step.size;
  }
  return all;
}
const nodes = buildNodes(leafHashes);

function ourRoot(size: number): Buffer {
  return foldNodes(frontierKeys(size).map((k) => nodes.get(nodeKeyId(k)) as Buffer));
}
function ourInclusion(index: number, size: number): Buffer[] {
  return hashRanges(inclusionRanges(index, size), nodes);
}
function ourConsistency(first: number, second: number): Buffer[] {
  return hashRanges(consistencyRanges(first, second), nodes);
}

/** Wrong variants of a proof: each element flipped, one dropped, one added. */
function corruptions(path: readonly Buffer[]): Buffer[][] {
  const out: Buffer[][] = [];
  path.forEach((_, i) => {
    const flipped = path.map((p, j) => {
      const copy = Buffer.from(p);
      if (j === i) copy.writeUInt8(copy.readUInt8(0) ^ 1, 0);
      return copy;
    });
    out.push(flipped);
    out.push(path.filter((_, j) => j !== i));
  });
  out.push([...path, sha256(Buffer.from('extra'))]);
  return out;
}

describe('Merkle tree — RFC 9162 §2.1', () => {
  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(EMPTY_ROOT.equals(naiveMth([]))).toBe(true);
    expect(ourRoot(0).equals(naiveMth([]))).toBe(true);
  });

  it('computes MTH for every size 1..64 as the recursive definition does', () => {
    for (let n = 1; n <= MAX; n++) {
      expect(ourRoot(n).toString('hex'), `size ${n}`).toBe(
        naiveMth(data.slice(0, n)).toString('hex'),
      );
    }
  });

  it('persists each perfect subtree once and with the right hash', () => {
    // 64 leaves make 127 perfect subtrees.
    expect(nodes.size).toBe(2 * MAX - 1);
    for (const [id, hash] of nodes) {
      const [level, index] = id.split(':').map(Number) as [number, number];
      const width = 2 ** level;
      expect(hash.equals(naiveMth(data.slice(index * width, (index + 1) * width))), id).toBe(true);
    }
  });

  it('gives the same roots whatever the batch boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }),
        (cuts) => {
          let frontier: TreeNode[] = [];
          let size = 0;
          for (const cut of cuts) {
            const batch = leafHashes.slice(size, Math.min(MAX, size + cut));
            const step = appendLeaves(frontier, size, batch);
            frontier = step.frontier;
            size = step.size;
            expect(frontier.map(nodeKeyId)).toEqual(frontierKeys(size).map(nodeKeyId));
            expect(
              foldNodes(frontier.map((f) => f.hash)).equals(naiveMth(data.slice(0, size))),
            ).toBe(true);
          }
        },
      ),
    );
  });

  it('builds inclusion proofs for every size 1..64 and every index that the RFC verifier accepts', () => {
    for (let n = 1; n <= MAX; n++) {
      const root = naiveMth(data.slice(0, n));
      for (let m = 0; m < n; m++) {
        const proof = ourInclusion(m, n);
        const expected = naivePath(m, data.slice(0, n));
        expect(
          proof.map((p) => p.toString('hex')),
          `${m}/${n}`,
        ).toEqual(expected.map((p) => p.toString('hex')));
        expect(rfcVerifyInclusion(leafHashes[m] as Buffer, m, n, proof, root), `${m}/${n}`).toBe(
          true,
        );
        expect(verifyInclusion(leafHashes[m] as Buffer, m, n, proof, root)).toBe(true);
      }
    }
  });

  it('builds consistency proofs for every pair of sizes 1..64 that the RFC verifier accepts', () => {
    for (let n = 1; n <= MAX; n++) {
      const second = naiveMth(data.slice(0, n));
      for (let m = 1; m <= n; m++) {
        const first = naiveMth(data.slice(0, m));
        const proof = ourConsistency(m, n);
        expect(
          proof.map((p) => p.toString('hex')),
          `${m}→${n}`,
        ).toEqual(naiveSubproof(m, data.slice(0, n), true).map((p) => p.toString('hex')));
        expect(verifyConsistency(m, n, first, second, proof), `${m}→${n}`).toBe(true);
        if (m < n) expect(rfcVerifyConsistency(m, n, first, second, proof), `${m}→${n}`).toBe(true);
        else expect(proof).toEqual([]);
      }
    }
  });

  it('refuses wrong inclusion proofs', () => {
    for (let n = 1; n <= MAX; n++) {
      const root = naiveMth(data.slice(0, n));
      for (let m = 0; m < n; m++) {
        const leaf = leafHashes[m] as Buffer;
        const proof = ourInclusion(m, n);
        for (const bad of corruptions(proof)) {
          expect(rfcVerifyInclusion(leaf, m, n, bad, root)).toBe(false);
          expect(verifyInclusion(leaf, m, n, bad, root)).toBe(false);
        }
        const otherLeaf = leafHashes[(m + 1) % MAX] as Buffer;
        expect(verifyInclusion(otherLeaf, m, n, proof, root)).toBe(false);
        // The path alone does not bind the size (RFC 9162: the signed head does), but the root does.
        const bigger = naiveMth([...data.slice(0, n), Buffer.from('next')]);
        expect(verifyInclusion(leaf, m, n + 1, proof, bigger)).toBe(false);
        expect(verifyInclusion(leaf, n, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaf, (m + 1) % n, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, m, n, proof, bigger)).toBe(false);
      }
    }
  });

  it('refuses wrong consistency proofs', () => {
    for (let n = 2; n <= MAX; n++) {
      const second = naiveMth(data.slice(0, n));
      for (let m = 1; m < n; m++) {
        const first = naiveMth(data.slice(0, m));
        const proof = ourConsistency(m, n);
        for (const bad of corruptions(proof)) {
          expect(rfcVerifyConsistency(m, n, first, second, bad)).toBe(false);
          expect(verifyConsistency(m, n, first, second, bad)).toBe(false);
        }
        // A forked history: a first tree whose last entry differs.
        const forked = naiveMth([...data.slice(0, m - 1), Buffer.from('forged')]);
        expect(verifyConsistency(m, n, forked, second, proof)).toBe(false);
        expect(verifyConsistency(m, n, first, naiveMth(data.slice(0, n - 1)), proof)).toBe(false);
        expect(verifyConsistency(m, n, first, second, [])).toBe(false);
        expect(verifyConsistency(n, m, second, first, proof)).toBe(false);
      }
    }
    expect(verifyConsistency(0, 1, EMPTY_ROOT, naiveMth(data.slice(0, 1)), [])).toBe(false);
    expect(verifyConsistency(3, 3, ourRoot(3), ourRoot(4), [])).toBe(false);
  });

  it('needs only O(log n) perfect subtrees for a proof', () => {
    const n = 2 ** 40 + 12345;
    const keys = nodesForRanges([
      ...inclusionRanges(987_654_321, n),
      ...consistencyRanges(2 ** 39 + 7, n),
    ]);
    expect(keys.length).toBeLessThan(4 * 41);
    expect(frontierKeys(n).length).toBe(7);
  });
});
