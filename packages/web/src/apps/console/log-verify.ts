import { decodeBase64, derToP1363 } from '@openmid/device/browser';
import { treeHeadSignedData } from '@openmid/protocol';

/**
 * The auditor's checks of the transparency log, done in the browser with WebCrypto (SPEC F24;
 * docs/transparency-log.md): RFC 9162 §2.1 hashes recomputed here, the tree head's ECDSA
 * signature checked against the published log key. Nothing the server says is taken on trust
 * except the key, which an auditor compares with the one published out of band.
 */

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await subtle().digest('SHA-256', all));
}

/** RFC 9162 §2.1.1: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0), leaf);
}

/** RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(1), left, right);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * RFC 9162 §2.1.3.2: the root that an inclusion proof leads to, or undefined when the proof is
 * malformed for this index and size. (Sizes stay below 2^53: halving is done arithmetically.)
 */
export async function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
): Promise<Uint8Array | undefined> {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return undefined;
  if (leafIndex < 0 || leafIndex >= treeSize) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** GET /log/v1/sth */
export interface TreeHeadJson {
  tree_size: number;
  root_hash: string;
  timestamp: number;
  signature: string;
  key_id: string;
}

/** Whether the tree head's signature verifies under the log key (ES256, DER signature). */
export async function verifyTreeHead(head: TreeHeadJson, jwk: JsonWebKey): Promise<boolean> {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || !x || !y) return false;
  const key = await subtle().importKey(
    'jwk',
    { kty, crv, x, y },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  let signature: Uint8Array;
  try {
    signature = derToP1363(decodeBase64(head.signature));
  } catch {
    return false;
  }
  const data = treeHeadSignedData({
    tree_size: head.tree_size,
    root_hash: head.root_hash,
    timestamp: head.timestamp,
  });
  return subtle().verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    signature as BufferSource,
    data as BufferSource,
  );
}

export interface InclusionCheck {
  /** The entry's bytes hash to the leaf hash the server listed. */
  leafMatches: boolean;
  /** The proof leads to the tree head's root. */
  included: boolean;
  /** The tree head is signed by the log key. */
  signed: boolean;
  treeSize: number;
}

/**
 * Check that an entry (its exact bytes) is in the log: recompute its leaf hash, fold the audit
 * path to a root, compare with a signed tree head whose signature verifies.
 */
export async function checkInclusion(input: {
  entryJson: string;
  leafIndex: number;
  listedLeafHash: string;
  head: TreeHeadJson;
  jwk: JsonWebKey;
  proof: { leaf_index: number; tree_size: number; audit_path: string[] };
}): Promise<InclusionCheck> {
  const leaf = await leafHash(new TextEncoder().encode(input.entryJson));
  const leafMatches = equalBytes(leaf, decodeBase64(input.listedLeafHash));
  const root =
    input.proof.leaf_index === input.leafIndex && input.proof.tree_size === input.head.tree_size
      ? await rootFromInclusionProof(
          input.leafIndex,
          input.head.tree_size,
          leaf,
          input.proof.audit_path.map(decodeBase64),
        )
      : undefined;
  const included = root !== undefined && equalBytes(root, decodeBase64(input.head.root_hash));
  const signed = await verifyTreeHead(input.head, input.jwk);
  return { leafMatches, included, signed, treeSize: input.head.tree_size };
}
