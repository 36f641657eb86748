import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Envelope encryption under the operator's master key (F9): AES-256-GCM with a random 96-bit
 * IV, the purpose label as additional data, so a sealed value cannot be moved to another use.
 * Keys for other purposes (token peppers, pairwise secrets) are derived with HKDF-SHA256.
 */
export interface KeyVault {
  seal(plaintext: Uint8Array, label: string): string;
  open(sealed: string, label: string): Buffer;
  /** A 32-byte key derived from the master key for one named purpose. */
  deriveKey(label: string): Buffer;
}

export class SealError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SealError';
  }
}

export function createKeyVault(masterKey: Uint8Array): KeyVault {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  const encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'openmid/seal/v1', 32));
  return {
    seal(plaintext, label) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      cipher.setAAD(Buffer.from(label, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${VERSION}.${Buffer.concat([iv, ct, tag]).toString('base64url')}`;
    },
    open(sealed, label) {
      const [version, body] = sealed.split('.', 2);
      if (version !== VERSION || !body) throw new SealError('unknown sealed value format');
      const raw = Buffer.from(body, 'base64url');
      if (raw.length < 28) throw new SealError('sealed value is truncated');
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(label, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      try {
        return Buffer.concat([
          decipher.update(raw.subarray(12, raw.length - 16)),
          decipher.final(),
        ]);
      } catch (cause) {
        throw new SealError(
          `cannot open sealed value for ${label}: wrong master key or tampered data`,
          { cause },
        );
      }
    },
    deriveKey(label) {
      return Buffer.from(
        hkdfSync('sha256', masterKey, Buffer.alloc(0), `openmid/derive/${label}`, 32),
      );
    },
  };
}
