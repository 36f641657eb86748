import type { JWK } from 'jose';
import { headerOfSigningInput, verifyEs256 } from './sd-jwt-crypto.js';

/**
 * The issuer's keys as `/.well-known/jwt-vc-issuer` publishes them (SD-JWT VC draft §5):
 * `{ issuer, jwks: { keys: [...] } }`. Every key has a `kid`; credentials and status list tokens
 * name theirs in the header, so a rotated key keeps old credentials verifiable until they expire.
 */
export interface IssuerMetadata {
  issuer: string;
  jwks: { keys: JWK[] };
}

export const JWT_VC_ISSUER_PATH = '/.well-known/jwt-vc-issuer';

export function isIssuerMetadata(value: unknown): value is IssuerMetadata {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { issuer?: unknown; jwks?: { keys?: unknown } };
  return (
    typeof v.issuer === 'string' &&
    Array.isArray(v.jwks?.keys) &&
    v.jwks.keys.every(
      (k: unknown) =>
        k !== null &&
        typeof k === 'object' &&
        (k as JWK).kty === 'EC' &&
        (k as JWK).crv === 'P-256' &&
        typeof (k as JWK).kid === 'string',
    )
  );
}

/** The issuer key a JWS names by `kid`, or undefined. */
export function issuerKey(metadata: IssuerMetadata, kid: unknown): JWK | undefined {
  return typeof kid === 'string' ? metadata.jwks.keys.find((k) => k.kid === kid) : undefined;
}

/** An @sd-jwt `Verifier` that checks ES256 signatures with the issuer key the header names. */
export function issuerVerifier(metadata: IssuerMetadata) {
  return async (data: string, signature: string): Promise<boolean> => {
    const header = headerOfSigningInput(data);
    const key = header.alg === 'ES256' ? issuerKey(metadata, header.kid) : undefined;
    return key ? verifyEs256(key, data, signature) : false;
  };
}
