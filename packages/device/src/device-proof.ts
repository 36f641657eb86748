import { type JWK, SignJWT } from 'jose';
import { encodeBase64Url } from './base64url.js';

export interface DeviceProofInput {
  /** The device key (ES256) and its public JWK. */
  key: CryptoKey;
  publicJwk: JWK;
  method: string;
  url: string;
  /** Seconds since the epoch (defaults to now). */
  iat?: number;
}

/**
 * The device proof of protocol/src/device-api.ts, in RFC 9449's DPoP shape: a compact JWS with
 * typ `dpop+jwt`, alg ES256 and the device public key as `jwk`; claims `htm`, `htu` (the URL
 * without query or fragment), `iat` and a random `jti`. A fresh one for every call.
 */
export function createDeviceProof(input: DeviceProofInput): Promise<string> {
  const htu = new URL(input.url);
  htu.search = '';
  htu.hash = '';
  return new SignJWT({
    htm: input.method.toUpperCase(),
    htu: htu.href,
    jti: encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: input.publicJwk })
    .setIssuedAt(input.iat ?? Math.floor(Date.now() / 1000))
    .sign(input.key);
}
