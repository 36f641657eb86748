import { describe, expect, it } from 'vitest';
import { canonicalJson, decodeAuthSignedData, encodeAuthSignedData } from './signed-data.js';

describe('signedData — RFC 8785 canonical JSON', () => {
  it('sorts keys and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: 2 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}',
    );
  });
  it('serialises numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson({ n: 1e21, m: 0.1, k: -0 })).toBe('{"k":0,"m":0.1,"n":1e+21}');
  });
  it('round-trips an auth payload and keeps non-ASCII text', () => {
    const data = {
      v: 1 as const,
      type: 'auth' as const,
      rp: 'client-1',
      rpName: 'Vergilər Nazirliyi 稅務局',
      challenge: 'AAAA',
      vc: '0042',
      sessionId: 's1',
      displayText: 'Giriş',
    };
    const bytes = encodeAuthSignedData(data);
    expect(decodeAuthSignedData(bytes)).toEqual(data);
  });
  it('refuses payloads that are not auth signedData', () => {
    expect(decodeAuthSignedData(new TextEncoder().encode('{"v":2}'))).toBeUndefined();
    expect(decodeAuthSignedData(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
  });
});
