import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verificationCode } from './verification-code.js';

function reference(hash: Buffer): string {
  const d = createHash('sha256').update(hash).digest();
  return String(d.readUInt16BE(d.length - 2) % 10000).padStart(4, '0');
}

describe('verification code — SPEC §4.3', () => {
  it('matches the reference algorithm on random hashes', async () => {
    for (let i = 0; i < 200; i++) {
      const h = randomBytes(32 + (i % 3) * 16);
      expect(await verificationCode(h)).toBe(reference(h));
    }
  });

  it('keeps leading zeros', async () => {
    // Find a hash whose code starts with 0 to prove the padding.
    for (let i = 0; ; i++) {
      const h = createHash('sha256').update(`seed-${i}`).digest();
      const code = reference(h);
      if (code.startsWith('0')) {
        expect(await verificationCode(h)).toBe(code);
        expect(code).toHaveLength(4);
        return;
      }
    }
  });
});
