import type { Hasher, SaltGenerator, Signer } from '@sd-jwt/types';
import { base64url, compactVerify, importJWK, type JWK } from 'jose';

/**
 * The crypto the @sd-jwt libraries ask their caller for, over WebCrypto and jose so that it runs
 * in the browser, the wallet and the server alike: SHA-256 for disclosure digests, random salts,
 * an ES256 signer over a CryptoKey (the JWS signing input in, the base64url signature out) and an
 * ES256 verifier that checks the JWS with jose.
 */
const utf8 = (value: string): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(value) as Uint8Array<ArrayBuffer>;

export const sha256Hasher: Hasher = async (data, alg) => {
  if (alg.toLowerCase() !== 'sha-256') throw new Error(`unsupported _sd_alg ${alg}`);
  const bytes = typeof data === 'string' ? utf8(data) : new Uint8Array(data);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
};

export const saltGenerator: SaltGenerator = (length) =>
  base64url.encode(crypto.getRandomValues(new Uint8Array(length)));

/** ES256 signatures (IEEE P1363 r||s, as JWS wants) with a WebCrypto ECDSA P-256 key. */
export function es256Signer(key: CryptoKey): Signer {
  return async (data) =>
    base64url.encode(
      new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, utf8(data))),
    );
}

/** Verify `data.sig` (a compact JWS) with an ES256 public JWK; false on any failure. */
export async function verifyEs256(jwk: JWK, data: string, signature: string): Promise<boolean> {
  try {
    const key = await importJWK({ ...jwk, alg: 'ES256' }, 'ES256');
    await compactVerify(`${data}.${signature}`, key, { algorithms: ['ES256'] });
    return true;
  } catch {
    return false;
  }
}

/** The protected header of a compact JWS signing input (`header.payload`). */
export function headerOfSigningInput(data: string): Record<string, unknown> {
  const [header] = data.split('.');
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(header ?? '')));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
