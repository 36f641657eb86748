import { createHash } from 'node:crypto';
import { nodeHash } from './leaf-hash.js';

/**
 * RFC 9162 §2.1 Merkle tree arithmetic over *perfect subtrees*. A perfect subtree (node) at
 * `level` L and `index` i covers leaves [i·2^L, (i+1)·2^L). The tree of any size n is the fold of
 * the perfect subtrees of n's binary decomposition (its "frontier"), so the sequencer persists
 * each node once when it completes, and a root or a proof costs O(log n) node reads.
 *
 * Sizes and indexes are JS numbers below 2^53: arithmetic uses division, never 32-bit shifts.
 */
export interface NodeKey {
  level: number;
  index: number;
}

export interface TreeNode extends NodeKey {
  hash: Buffer;
}

/** A leaf range [start, end) whose MTH is one element of a proof. */
export interface LeafRange {
  start: number;
  end: number;
}

/** MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

const pow2 = (level: number): number => 2 ** level;

export function nodeKeyId(key: NodeKey): string {
  return `${key.level}:${key.index}`;
}

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 9162's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees whose fold is MTH(D[start:end]), left to right (largest first). Valid for
 * every range RFC 9162's recursion produces: `start` is a multiple of a power of two ≥ the size.
 */
export function perfectNodes(range: LeafRange): NodeKey[] {
  const nodes: NodeKey[] = [];
  let size = range.end - range.start;
  let position = range.start;
  let level = 0;
  while (pow2(level + 1) <= size) level++;
  for (; size > 0 && level >= 0; level--) {
    const width = pow2(level);
    if (width > size) continue;
    if (position % width !== 0)
      throw new RangeError(`range ${range.start}..${range.end} is not aligned`);
    nodes.push({ level, index: position / width });
    position += width;
    size -= width;
  }
  return nodes;
}

/** The frontier of a tree of `size` leaves: the perfect subtrees its root folds. */
export function frontierKeys(size: number): NodeKey[] {
  return perfectNodes({ start: 0, end: size });
}

/** Fold perfect-subtree hashes (left to right) into one MTH, as RFC 9162 §2.1.1 defines it. */
export function foldNodes(hashes: readonly Uint8Array[]): Buffer {
  const last = hashes.at(-1);
  if (last === undefined) return EMPTY_ROOT;
  let acc: Buffer = Buffer.from(last);
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i] as Uint8Array, acc);
  return acc;
}

/**
 * Append leaf hashes to a tree given by its frontier. Returns the new frontier and every perfect
 * subtree that completed (the leaves themselves included), each to be persisted exactly once.
 */
export function appendLeaves(
  frontier: readonly TreeNode[],
  size: number,
  leafHashes: readonly Buffer[],
): { frontier: TreeNode[]; completed: TreeNode[]; size: number } {
  const stack = frontier.map((n) => ({ ...n }));
  const completed: TreeNode[] = [];
  let next = size;
  for (const hash of leafHashes) {
    let node: TreeNode = { level: 0, index: next, hash };
    completed.push(node);
    let top = stack.at(-1);
    while (top !== undefined && top.level === node.level) {
      stack.pop();
      node = { level: node.level + 1, index: top.index / 2, hash: nodeHash(top.hash, node.hash) };
      completed.push(node);
      top = stack.at(-1);
    }
    stack.push(node);
    next++;
  }
  return { frontier: stack, completed, size: next };
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as leaf ranges, in proof order (deepest first). */
export function inclusionRanges(leafIndex: number, treeSize: number): LeafRange[] {
  if (!(leafIndex >= 0 && leafIndex < treeSize)) throw new RangeError('leaf index out of range');
  const out: LeafRange[] = [];
  let start = 0;
  let end = treeSize;
  const siblings: LeafRange[] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (leafIndex - start < k) {
      siblings.push({ start: start + k, end });
      end = start + k;
    } else {
      siblings.push({ start, end: start + k });
      start += k;
    }
  }
  // Recursion appends the outer sibling last, so the deepest sibling comes first.
  for (let i = siblings.length - 1; i >= 0; i--) out.push(siblings[i] as LeafRange);
  return out;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges, in proof order. */
export function consistencyRanges(first: number, second: number): LeafRange[] {
  if (!(first >= 1 && first <= second)) throw new RangeError('tree sizes out of range');
  const outer: LeafRange[] = [];
  let start = 0;
  let end = second;
  let m = first;
  let b = true;
  let innermost: LeafRange | undefined;
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!b) innermost = { start, end };
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      outer.push({ start: start + k, end });
      end = start + k;
    } else {
      outer.push({ start, end: start + k });
      start += k;
      m -= k;
      b = false;
    }
  }
  const out: LeafRange[] = innermost ? [innermost] : [];
  for (let i = outer.length - 1; i >= 0; i--) out.push(outer[i] as LeafRange);
  return out;
}

/** The distinct perfect subtrees needed to hash all the given ranges. */
export function nodesForRanges(ranges: readonly LeafRange[]): NodeKey[] {
  const seen = new Map<string, NodeKey>();
  for (const r of ranges) for (const k of perfectNodes(r)) seen.set(nodeKeyId(k), k);
  return [...seen.values()];
}

/** MTH of each range from a lookup of perfect-subtree hashes. */
export function hashRanges(
  ranges: readonly LeafRange[],
  lookup: ReadonlyMap<string, Buffer>,
): Buffer[] {
  return ranges.map((r) =>
    foldNodes(
      perfectNodes(r).map((k) => {
        const h = lookup.get(nodeKeyId(k));
        if (!h) throw new Error(`tree node ${nodeKeyId(k)} is missing`);
        return h;
      }),
    ),
  );
}

const isOdd = (v: number): boolean => v % 2 === 1;
const half = (v: number): number => Math.floor(v / 2);
const equal = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** RFC 9162 §2.1.3.2: verify an inclusion proof. Never throws. */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  path: readonly Uint8Array[],
  rootHash: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return false;
  if (leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  for (const p of path) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!(isOdd(fn) || fn === 0)) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(r, rootHash);
}

/** RFC 9162 §2.1.4.2: verify a consistency proof (equal sizes need an empty path). Never throws. */
export function verifyConsistency(
  first: number,
  second: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  consistencyPath: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second)) return false;
  if (first < 1 || first > second) return false;
  if (first === second) return consistencyPath.length === 0 && equal(firstHash, secondHash);
  if (consistencyPath.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstHash, ...consistencyPath] : [...consistencyPath];
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!(isOdd(fn) || fn === 0)) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(fr, firstHash) && equal(sr, secondHash);
}

function isPowerOfTwo(n: number): boolean {
  let v = n;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}
