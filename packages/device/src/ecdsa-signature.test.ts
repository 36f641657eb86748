import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derToP1363, p1363ToDer, signDataDer } from './ecdsa-signature.js';

describe('ECDSA signature encoding (P1363 → DER ECDSA-Sig-Value)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('turns WebCrypto-shaped r‖s into DER that node:crypto verifies (dsaEncoding der)', () => {
    const lengths = new Set<number>();
    for (let i = 0; i < 64; i++) {
      const data = new TextEncoder().encode(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = p1363ToDer(new Uint8Array(raw));
      lengths.add(der.length);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      expect(derToP1363(der)).toEqual(new Uint8Array(raw));
    }
    // r or s with the high bit set gets a leading zero, a short one loses its leading zeros:
    // over 64 signatures the DER length varies, and every one still verifies.
    expect(lengths.size).toBeGreaterThan(1);
  });

  it('refuses input that is not a 64-byte r‖s', () => {
    expect(() => p1363ToDer(new Uint8Array(63))).toThrow();
    expect(() => derToP1363(new Uint8Array([0x30, 0x02, 0x01]))).toThrow();
  });

  it('signs data with a PKCS#8 key through WebCrypto, as DER', async () => {
    const pkcs8 = new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }));
    const data = new TextEncoder().encode('signedData');
    const der = await signDataDer(pkcs8, data);
    expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
  });
});
