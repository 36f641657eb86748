import { describe, expect, it } from 'vitest';
import { generateActivationCode, generatePuk, parseActivationCode } from './activation-code.js';

describe('activation codes — SPEC F2', () => {
  it('are five groups of four Crockford base32 characters', () => {
    const { code, id, secret } = generateActivationCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(code.replace(/-/g, '')).toBe(id + secret);
    expect(id).toHaveLength(8);
    expect(secret).toHaveLength(12);
  });

  it('differ each time', () => {
    const codes = new Set(Array.from({ length: 200 }, () => generateActivationCode().code));
    expect(codes.size).toBe(200);
  });

  it('read back as typed, with case, spaces and the usual confusions', () => {
    const { code, id, secret } = generateActivationCode();
    expect(parseActivationCode(code)).toEqual({ id, secret });
    expect(parseActivationCode(code.toLowerCase().replace(/-/g, ' '))).toEqual({ id, secret });
    expect(parseActivationCode('0000-1111-2222-3333-4444')).toEqual({
      id: '00001111',
      secret: '222233334444',
    });
    expect(parseActivationCode('oOoO-iIlL-2222-3333-4444')).toEqual({
      id: '00001111',
      secret: '222233334444',
    });
  });

  it('refuse what cannot be a code', () => {
    expect(parseActivationCode('')).toBeUndefined();
    expect(parseActivationCode('0000-1111-2222-3333')).toBeUndefined();
    expect(parseActivationCode('UUUU-1111-2222-3333-4444')).toBeUndefined();
    expect(parseActivationCode('0000-1111-2222-3333-444!')).toBeUndefined();
    expect(parseActivationCode('0'.repeat(1000))).toBeUndefined();
  });

  it('PUKs are eight digits', () => {
    for (let i = 0; i < 50; i++) expect(generatePuk()).toMatch(/^[0-9]{8}$/);
  });
});
