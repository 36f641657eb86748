import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { isIsoDate, validateNewPerson } from './person-input.js';

const today = new Date('2026-01-01T00:00:00Z');
const base = {
  nationalId: 'PNOAZ-1234567',
  givenName: 'Leyla',
  familyName: 'Məmmədova',
  birthDate: '1990-04-12',
};
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
};

describe('validateNewPerson — SPEC F1', () => {
  it('normalises names to NFC and trims them, in any script', () => {
    const decomposed = 'Me\u0301lanie';
    const p = validateNewPerson(
      { ...base, givenName: `  ${decomposed} `, familyName: '陳' },
      today,
    );
    expect(p.givenName).toBe('Mélanie');
    expect(p.givenName).toHaveLength(7);
    expect(p.familyName).toBe('陳');
    expect(p).toMatchObject({ nationality: null, phone: null, photo: null, document: null });
  });

  it('refuses national ids outside ETSI semantics form', () => {
    for (const nationalId of ['PNOAZ1234567', 'pnoaz-1', 'PNOA-1', 'XXXAZ-1', 'PNOAZ-']) {
      expect(codeOf(() => validateNewPerson({ ...base, nationalId }, today))).toBe(
        'invalid_national_id',
      );
    }
  });

  it('checks dates as calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-13-01')).toBe(false);
    expect(isIsoDate('23-01-01')).toBe(false);
    expect(codeOf(() => validateNewPerson({ ...base, birthDate: '2026-01-02' }, today))).toBe(
      'invalid_request',
    );
  });

  it('refuses bidirectional overrides and control characters in names', () => {
    for (const givenName of ['a\u202Eb', 'a\u2066b', 'a\nb', 'a\u0000b']) {
      expect(codeOf(() => validateNewPerson({ ...base, givenName }, today))).toBe(
        'invalid_request',
      );
    }
  });

  it('accepts a JPEG given as base64 and stores it as a data: URL', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString('base64');
    expect(validateNewPerson({ ...base, photo: jpeg }, today).photo).toBe(
      `data:image/jpeg;base64,${jpeg}`,
    );
    expect(
      codeOf(() => validateNewPerson({ ...base, photo: `data:image/png;base64,${jpeg}` }, today)),
    ).toBe('invalid_request');
  });
});
