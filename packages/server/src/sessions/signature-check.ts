import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';

/**
 * Checks a device's ECDSA P-256 signature (DER ECDSA-Sig-Value) against a certificate's key.
 * Authentication: over the signedData bytes with SHA-256 (node:crypto). Hash signing: over the
 * RP's digest itself, which node:crypto cannot take, so @noble/curves verifies the prehashed
 * form (the digest is truncated to the curve order as ECDSA defines for SHA-384/512).
 */
export function publicKeyOf(certificateDer: Uint8Array): { spkiDer: Buffer; point: Uint8Array } {
  const key = new X509Certificate(Buffer.from(certificateDer)).publicKey;
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new Error('the certificate key is not EC P-256');
  }
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
  return { spkiDer: key.export({ format: 'der', type: 'spki' }), point };
}

export function verifyDataSignature(
  certificateDer: Uint8Array,
  data: Uint8Array,
  derSignature: Uint8Array,
): boolean {
  try {
    const { spkiDer } = publicKeyOf(certificateDer);
    const key = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
    return verify('sha256', data, { key, dsaEncoding: 'der' }, derSignature);
  } catch {
    return false;
  }
}

export function verifyDigestSignature(
  certificateDer: Uint8Array,
  digest: Uint8Array,
  derSignature: Uint8Array,
): boolean {
  try {
    const { point } = publicKeyOf(certificateDer);
    return p256.verify(derSignature, digest, point, { prehash: false, format: 'der', lowS: false });
  } catch {
    return false;
  }
}
