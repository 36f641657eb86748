import { decodeBase64, encodeBase64 } from './base64.js';

/**
 * A secret (a PKCS#8 private key) encrypted under a key derived from a PIN or the PUK:
 * PBKDF2-SHA256 → AES-256-GCM, with a fresh salt and IV per sealing and a label as additional
 * data, so a blob cannot be moved to another slot (DESIGN §4). All through WebCrypto.
 */
export interface SealedSecret {
  kdf: 'PBKDF2-SHA256';
  iterations: number;
  /** base64 */
  salt: string;
  /** base64, 12 bytes */
  iv: string;
  /** base64: AES-256-GCM ciphertext with its 16-byte tag */
  ciphertext: string;
}

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256, and DESIGN §4's floor. */
export const DEFAULT_KDF_ITERATIONS = 600_000;

export async function sealSecret(
  secret: Uint8Array,
  passphrase: string,
  label: string,
  iterations: number,
): Promise<SealedSecret> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(passphrase, salt, iterations);
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(label) },
    key,
    bufferOf(secret),
  );
  return {
    kdf: 'PBKDF2-SHA256',
    iterations,
    salt: encodeBase64(salt),
    iv: encodeBase64(iv),
    ciphertext: encodeBase64(new Uint8Array(ciphertext)),
  };
}

/** The secret, or undefined when the passphrase (or the label) is wrong. */
export async function openSecret(
  sealed: SealedSecret,
  passphrase: string,
  label: string,
): Promise<Uint8Array | undefined> {
  const key = await deriveKey(passphrase, decodeBase64(sealed.salt), sealed.iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bufferOf(decodeBase64(sealed.iv)), additionalData: utf8(label) },
      key,
      bufferOf(decodeBase64(sealed.ciphertext)),
    );
    return new Uint8Array(plain);
  } catch {
    return undefined;
  }
}

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number) {
  const material = await crypto.subtle.importKey('raw', utf8(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: bufferOf(salt), iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function utf8(text: string): ArrayBuffer {
  return bufferOf(new TextEncoder().encode(text));
}

/** A fresh ArrayBuffer holding exactly these bytes (WebCrypto's BufferSource, typed strictly). */
export function bufferOf(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
