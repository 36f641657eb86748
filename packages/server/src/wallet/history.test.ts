import { describe, expect, it } from 'vitest';
import { historyKindOf, toHistoryEntry } from './history.js';

const entry = (type: string, data: Record<string, unknown> = {}, actor = 'system') => ({
  id: 7,
  leafIndex: null,
  type,
  actor,
  personId: 'p',
  clientId: null,
  time: new Date('2026-01-02T03:04:05Z'),
  data,
});

describe('usage log entries (F22)', () => {
  it('classifies events by kind', () => {
    expect(historyKindOf(entry('session.auth.completed'))).toBe('login');
    expect(historyKindOf(entry('session.auth.completed', { releasedClaims: ['birthdate'] }))).toBe(
      'data_release',
    );
    expect(historyKindOf(entry('claims.released', { claims: ['given_name'] }))).toBe(
      'data_release',
    );
    expect(historyKindOf(entry('session.sign.completed'))).toBe('signature');
    expect(historyKindOf(entry('document.signed'))).toBe('signature');
    expect(historyKindOf(entry('credential.presented'))).toBe('presentation');
    expect(historyKindOf(entry('credential.issued'))).toBe('security');
    expect(historyKindOf(entry('device.pin_blocked'))).toBe('security');
    expect(historyKindOf(entry('person.viewed'))).toBe('security');
  });

  it('says FAILED for failures and blocks only', () => {
    const result = (type: string) => toHistoryEntry(entry(type), new Map()).result;
    expect(result('device.pin_blocked')).toBe('FAILED');
    expect(result('device.pin_unblocked')).toBe('OK');
    expect(result('activation.failed')).toBe('FAILED');
    expect(result('activation_code.locked')).toBe('FAILED');
    expect(result('device.activated')).toBe('OK');
  });

  it('passes on only allow-listed fields', () => {
    const e = toHistoryEntry(
      entry(
        'claims.released',
        { claims: ['given_name'], values: { given_name: 'Leyla' }, staffId: 's-1', reason: 'X y' },
        'officer:s-1',
      ),
      new Map(),
    );
    expect(e).toEqual({
      id: '7',
      time: '2026-01-02T03:04:05.000Z',
      kind: 'data_release',
      event: 'claims.released',
      result: 'OK',
      claims: ['given_name'],
      by: 'officer',
    });
  });
});
