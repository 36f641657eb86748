import { type KeyObject, sign, verify } from 'node:crypto';
import { treeHeadSignedData } from '@openmid/protocol';
import type { LogSigningKey } from './log-key.js';

/** A signed tree head (RFC 9162 §4.10 in spirit; the signed bytes are ours, see protocol). */
export interface SignedTreeHead {
  treeSize: number;
  rootHash: Buffer;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** DER ECDSA signature. */
  signature: Buffer;
  keyId: string;
}

function signedBytes(head: { treeSize: number; rootHash: Uint8Array; timestamp: number }): Buffer {
  return Buffer.from(
    treeHeadSignedData({
      tree_size: head.treeSize,
      root_hash: Buffer.from(head.rootHash).toString('base64'),
      timestamp: head.timestamp,
    }),
  );
}

export function signTreeHead(
  key: LogSigningKey,
  head: { treeSize: number; rootHash: Buffer; timestamp: number },
): SignedTreeHead {
  const signature = sign('sha256', signedBytes(head), { key: key.privateKey, dsaEncoding: 'der' });
  return { ...head, signature, keyId: key.keyId };
}

/** Whether the head's signature verifies under the key (ECDSA P-256, SHA-256, DER). */
export function verifyTreeHeadSignature(
  publicKey: KeyObject,
  head: { treeSize: number; rootHash: Uint8Array; timestamp: number; signature: Uint8Array },
): boolean {
  try {
    return verify(
      'sha256',
      signedBytes(head),
      { key: publicKey, dsaEncoding: 'der' },
      head.signature,
    );
  } catch {
    return false;
  }
}
