import { describe, expect, it } from 'vitest';
import { formatNationalId, isE164Phone, isNationalId, parseNationalId } from './national-id.js';

describe('national identifier — ETSI EN 319 412-1 semantics', () => {
  it('parses PNOAZ-1234567', () => {
    expect(parseNationalId('PNOAZ-1234567')).toEqual({
      type: 'PNO',
      country: 'AZ',
      number: '1234567',
    });
  });
  it('round-trips', () => {
    const id = { type: 'PAS', country: 'EE', number: 'K1234567' } as const;
    expect(parseNationalId(formatNationalId(id))).toEqual(id);
  });
  it('refuses malformed identifiers', () => {
    for (const bad of [
      '',
      'PNOAZ',
      'PNOaz-1',
      'XXXAZ-1',
      'PNOAZ-',
      'PNOAZ-12 3',
      'PNOAZ-1\n',
      'PNOAZ1234',
    ]) {
      expect(isNationalId(bad)).toBe(false);
    }
  });
  it('checks E.164 phone numbers', () => {
    expect(isE164Phone('+994501234567')).toBe(true);
    expect(isE164Phone('994501234567')).toBe(false);
    expect(isE164Phone('+0501234567')).toBe(false);
  });
});
