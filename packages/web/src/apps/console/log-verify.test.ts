import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { treeHeadSignedData } from '@openmid/protocol';
import { describe, expect, it } from 'vitest';
import { checkInclusion, leafHash, rootFromInclusionProof, verifyTreeHead } from './log-verify.js';

// An independent oracle: RFC 9162 §2.1.1 MTH and §2.1.3.1 PATH by their recursive definitions.
const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const largestPow2Below = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return h(Buffer.of(0), leaves[0] as Buffer);
  const k = largestPow2Below(leaves.length);
  return h(Buffer.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPow2Below(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

describe('transparency-log checks in the browser (RFC 9162)', () => {
  const leaves = Array.from({ length: 11 }, (_, i) => Buffer.from(`{"entry":${i}}`));

  it('folds every inclusion proof of trees of 1..11 leaves to the tree root', async () => {
    for (let size = 1; size <= leaves.length; size++) {
      const tree = leaves.slice(0, size);
      const root = mth(tree);
      for (let m = 0; m < size; m++) {
        const got = await rootFromInclusionProof(
          m,
          size,
          await leafHash(tree[m] as Buffer),
          path(m, tree),
        );
        expect(Buffer.from(got ?? [])).toEqual(root);
      }
    }
  });

  it('refuses a wrong index, a tampered path and an index outside the tree', async () => {
    const root = mth(leaves);
    const leaf = await leafHash(leaves[5] as Buffer);
    const proof = path(5, leaves);
    const wrongIndex = await rootFromInclusionProof(4, leaves.length, leaf, proof);
    expect(Buffer.from(wrongIndex ?? [])).not.toEqual(root);
    const tampered = proof.map((p, i) => (i === 1 ? Buffer.from(p).fill(7) : p));
    const bad = await rootFromInclusionProof(5, leaves.length, leaf, tampered);
    expect(Buffer.from(bad ?? [])).not.toEqual(root);
    expect(await rootFromInclusionProof(11, 11, leaf, proof)).toBeUndefined();
    expect(await rootFromInclusionProof(5, 11, leaf, [...proof, ...proof])).toBeUndefined();
  });

  it('verifies a tree head signature (ES256, DER) and a whole entry check', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as JsonWebKey;
    const root = mth(leaves);
    const unsigned = { tree_size: leaves.length, root_hash: root.toString('base64'), timestamp: 1 };
    const signature = sign('sha256', treeHeadSignedData(unsigned), {
      key: privateKey,
      dsaEncoding: 'der',
    }).toString('base64');
    const head = { ...unsigned, signature, key_id: 'k' };
    expect(await verifyTreeHead(head, jwk)).toBe(true);
    expect(await verifyTreeHead({ ...head, timestamp: 2 }, jwk)).toBe(false);

    const entryJson = (leaves[3] as Buffer).toString();
    const proof = {
      leaf_index: 3,
      tree_size: leaves.length,
      audit_path: path(3, leaves).map((p) => p.toString('base64')),
    };
    const listedLeafHash = h(Buffer.of(0), leaves[3] as Buffer).toString('base64');
    const ok = await checkInclusion({ entryJson, leafIndex: 3, listedLeafHash, head, jwk, proof });
    expect(ok).toEqual({ leafMatches: true, included: true, signed: true, treeSize: 11 });
    const forged = await checkInclusion({
      entryJson: entryJson.replace('3', '4'),
      leafIndex: 3,
      listedLeafHash,
      head,
      jwk,
      proof,
    });
    expect(forged.leafMatches).toBe(false);
    expect(forged.included).toBe(false);
  });
});
