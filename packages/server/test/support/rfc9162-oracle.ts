import { createHash } from 'node:crypto';

/**
 * An independent RFC 9162 §2.1 oracle for tests, written from the RFC text and sharing no code
 * with src/audit: the recursive MTH, PATH and SUBPROOF definitions (§2.1.1, §2.1.3.1, §2.1.4.1)
 * and the verification algorithms of §2.1.3.2 and §2.1.4.2, step by step, in BigInt.
 */
export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const LEAF = Buffer.of(0x00);
export const NODE = Buffer.of(0x01);

/** §2.1.1: MTH by the recursive definition, over the raw leaf data. */
export function naiveMth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) return sha256();
  if (d.length === 1) return sha256(LEAF, d[0] as Buffer);
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return sha256(NODE, naiveMth(d.slice(0, k)), naiveMth(d.slice(k)));
}

/** §2.1.3.1 PATH(m, D[n]). */
export function naivePath(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  if (m < k) return [...naivePath(m, d.slice(0, k)), naiveMth(d.slice(k))];
  return [...naivePath(m - k, d.slice(k)), naiveMth(d.slice(0, k))];
}

/** §2.1.4.1 SUBPROOF(m, D[n], b). */
export function naiveSubproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [naiveMth(d)];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  if (m <= k) return [...naiveSubproof(m, d.slice(0, k), b), naiveMth(d.slice(k))];
  return [...naiveSubproof(m - k, d.slice(k), false), naiveMth(d.slice(0, k))];
}

const lsb = (x: bigint): boolean => (x & 1n) === 1n;

/** §2.1.3.2, step by step (BigInt, to be independent of the implementation's number handling). */
export function rfcVerifyInclusion(
  hash: Buffer,
  leafIndex: number,
  treeSize: number,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (leafIndex >= treeSize) return false; // 1
  let fn = BigInt(leafIndex); // 2
  let sn = BigInt(treeSize) - 1n;
  let r = hash; // 3
  for (const p of path) {
    // 4
    if (sn === 0n) return false; // a
    if (lsb(fn) || fn === sn) {
      // b
      r = sha256(NODE, p, r);
      if (!lsb(fn)) {
        while (!(lsb(fn) || fn === 0n)) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = sha256(NODE, r, p);
    }
    fn >>= 1n; // c
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root); // 5
}

/** §2.1.4.2, step by step. */
export function rfcVerifyConsistency(
  first: number,
  second: number,
  firstHash: Buffer,
  secondHash: Buffer,
  consistencyPath: readonly Buffer[],
): boolean {
  if (consistencyPath.length === 0) return false; // 1
  const path = [...consistencyPath];
  const f = BigInt(first);
  if ((f & (f - 1n)) === 0n) path.unshift(firstHash); // 2
  let fn = f - 1n; // 3
  let sn = BigInt(second) - 1n;
  while (lsb(fn)) {
    // 4
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0] as Buffer; // 5
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    // 6
    if (sn === 0n) return false; // a
    if (lsb(fn) || fn === sn) {
      // b
      fr = sha256(NODE, c, fr);
      sr = sha256(NODE, c, sr);
      if (!lsb(fn)) {
        while (!(lsb(fn) || fn === 0n)) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = sha256(NODE, sr, c);
    }
    fn >>= 1n; // c
    sn >>= 1n;
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n; // 7
}
