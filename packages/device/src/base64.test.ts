import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.js';

describe('base64 (RFC 4648 §4)', () => {
  it('round-trips every byte value like Buffer does', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const length of [0, 1, 2, 3, 255, 256]) {
      const slice = bytes.slice(0, length);
      expect(encodeBase64(slice)).toBe(Buffer.from(slice).toString('base64'));
      expect(decodeBase64(encodeBase64(slice))).toEqual(slice);
    }
  });

  it('refuses what is not canonical base64', () => {
    for (const text of ['abc', 'ab=c', 'a b=', '-_==', 'YQ']) {
      expect(() => decodeBase64(text)).toThrow(TypeError);
    }
  });
});
