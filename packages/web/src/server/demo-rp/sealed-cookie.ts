import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';

/**
 * The demo RP keeps no server-side state (the platform may run as many nodes): its log-in
 * transaction (PKCE verifier, state, nonce) and the signed-in user live in cookies encrypted and
 * authenticated with `jose` (JWE, dir + A256GCM) under a key derived from the client secret.
 */
export interface CookieSealer {
  seal(payload: Record<string, unknown>, maxAgeSeconds: number): Promise<string>;
  /** undefined when missing, tampered with, made for another purpose or expired. */
  open<T>(value: string | undefined): Promise<T | undefined>;
}

export function createCookieSealer(secret: string, purpose: string): CookieSealer {
  const key = new Uint8Array(hkdfSync('sha256', secret, 'openmid-demo-rp', purpose, 32));
  return {
    seal(payload, maxAgeSeconds) {
      return new EncryptJWT(payload)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setAudience(purpose)
        .setIssuedAt()
        .setExpirationTime(`${maxAgeSeconds}s`)
        .encrypt(key);
    },
    async open<T>(value: string | undefined) {
      if (!value || value.length > 8192) return undefined;
      try {
        const { payload } = await jwtDecrypt(value, key, { audience: purpose });
        return payload as T;
      } catch {
        return undefined;
      }
    },
  };
}

/** The cookies of a request (RFC 6265 `name=value; …`). */
export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    try {
      if (!cookies.has(name)) cookies.set(name, decodeURIComponent(value));
    } catch {
      // A malformed cookie is ignored.
    }
  }
  return cookies;
}

export function cookieHeader(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; secure: boolean; path: string },
): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
