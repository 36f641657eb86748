import { p256 } from '@noble/curves/nist.js';
import { decodeBase64Url } from './base64url.js';
import { bufferOf } from './sealed-secret.js';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * WebCrypto's ECDSA signature is IEEE P1363 (r‖s, 64 bytes for P-256); X.509, CMS and SPEC §4.3
 * carry the ASN.1 `ECDSA-Sig-Value` in DER. The conversion is @noble/curves' encoder.
 */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  return p256.Signature.fromBytes(signature, 'compact').toBytes('der');
}

export function derToP1363(signature: Uint8Array): Uint8Array {
  return p256.Signature.fromBytes(signature, 'der').toBytes('compact');
}

/** ECDSA P-256 with SHA-256 over `data` (WebCrypto), as DER. */
export async function signDataDer(pkcs8: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('pkcs8', bufferOf(pkcs8), P256, false, ['sign']);
  const raw = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, bufferOf(data));
  return p1363ToDer(new Uint8Array(raw));
}

/**
 * ECDSA P-256 over a ready digest (SPEC F15: the RP's SHA-256/384/512 hash), as DER. WebCrypto
 * always hashes first, so this one step is @noble/curves (hedged RFC 6979 nonce, low S); a digest
 * longer than 32 bytes is truncated to its leftmost 256 bits as ECDSA prescribes (FIPS 186-5).
 */
export async function signDigestDer(pkcs8: Uint8Array, digest: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('pkcs8', bufferOf(pkcs8), P256, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  if (!jwk.d) throw new TypeError('not a private key');
  const scalar = decodeBase64Url(jwk.d);
  try {
    return p256.sign(digest, scalar, { prehash: false, format: 'der', extraEntropy: true });
  } finally {
    scalar.fill(0);
  }
}
