import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { IdCardError } from './id-card-error.js';
import {
  decodeVerifierRole,
  decodeVerifierRoleAttributes,
  encodeVerifierRole,
  encodeVerifierRoleAttributes,
} from './verifier-role.js';

describe('VerifierRole (subjectDirectoryAttributes)', () => {
  const shop = { organisation: 'Corner Shop', role: 'shop', claims: ['picture', 'age_over_18'] };

  it('round-trips, claims in the canonical order', () => {
    const decoded = decodeVerifierRoleAttributes(encodeVerifierRoleAttributes(shop as never));
    expect(decoded).toEqual({
      organisation: 'Corner Shop',
      role: 'shop',
      claims: ['picture', 'age_over_18'],
    });
  });

  it('refuses unknown claims, empty sets and trailing data', () => {
    expect(() => encodeVerifierRole({ ...shop, claims: ['password'] } as never)).toThrow(
      IdCardError,
    );
    expect(() => encodeVerifierRole({ ...shop, claims: [] } as never)).toThrow(IdCardError);
    const der = new Uint8Array(encodeVerifierRole(shop as never));
    const padded = new Uint8Array([...der, 0]);
    expect(() => decodeVerifierRole(padded)).toThrow(IdCardError);
    const forged = new asn1js.Sequence({
      value: [
        new asn1js.Utf8String({ value: 'Corner Shop' }),
        new asn1js.Utf8String({ value: 'shop' }),
        new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: 'password' })] }),
      ],
    }).toBER(false);
    expect(() => decodeVerifierRole(forged)).toThrow(IdCardError);
  });

  it('finds no role in attributes of another type', () => {
    const other = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({
          value: [
            new asn1js.ObjectIdentifier({ value: '1.3.6.1.5.5.7.9.1' }),
            new asn1js.Set({ value: [new asn1js.GeneralizedTime({ valueDate: new Date(0) })] }),
          ],
        }),
      ],
    }).toBER(false);
    expect(() => decodeVerifierRoleAttributes(other)).toThrow(IdCardError);
  });
});
