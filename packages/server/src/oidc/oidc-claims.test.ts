import { describe, expect, it } from 'vitest';
import type { Person } from '../registry/registry-service.js';
import {
  claimsParameterNames,
  claimsToAsk,
  mentionedClaims,
  personClaimValues,
} from './oidc-claims.js';

const person: Person = {
  id: 'p1',
  nationalId: 'PNOAZ-1234567',
  givenName: 'Aysel',
  familyName: 'Mammadova',
  birthDate: '2008-06-15',
  nationality: 'AZ',
  phone: '+994501234567',
  email: null,
  address: null,
  photo: null,
  document: null,
  status: 'active',
  createdAt: new Date('2026-01-01T00:00:00Z'),
};

describe('claims by scope and claims parameter — F14, OIDC Core §5.4/§5.5', () => {
  it('expands scopes and claims-parameter names to person claims only', () => {
    expect(
      mentionedClaims({
        scopes: ['openid', 'phone', 'unknown'],
        parameterClaims: ['acr', 'email'],
      }),
    ).toEqual(['email', 'phone_number']);
  });

  it('asks the phone only for claims the client is allowed', () => {
    expect(
      claimsToAsk({ scopes: ['profile'], parameterClaims: ['national_id'] }, [
        'given_name',
        'family_name',
      ]),
    ).toEqual(['family_name', 'given_name']);
  });

  it('reads names from both members of the claims parameter and ignores junk', () => {
    expect(
      claimsParameterNames({
        id_token: { given_name: null },
        userinfo: { email: { essential: true } },
      }),
    ).toEqual(['given_name', 'email']);
    expect(claimsParameterNames('nope')).toEqual([]);
    expect(claimsParameterNames(null)).toEqual([]);
  });

  it('computes age_over_18 on the birthday boundary and leaves absent values out', () => {
    expect(personClaimValues(person, new Date('2026-06-14T12:00:00Z')).age_over_18).toBe(false);
    expect(personClaimValues(person, new Date('2026-06-15T00:00:00Z')).age_over_18).toBe(true);
    const values = personClaimValues(person, new Date('2026-06-15T00:00:00Z'));
    expect(values).not.toHaveProperty('email');
    expect(values.national_id).toBe('PNOAZ-1234567');
  });
});
