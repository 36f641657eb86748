import { createHash } from 'node:crypto';
import { canonicalJson } from '@openmid/protocol';
import { type IdCardClaims, isAgeOver } from '@openmid/protocol/id-card';
import type { Person } from '../registry/registry-service.js';

/** A stored photo as a data: URL (the registry keeps a data: URL or bare base64 JPEG/PNG). */
export function pictureDataUrl(photo: string | null): string | undefined {
  if (!photo) return undefined;
  if (photo.startsWith('data:')) return photo;
  return `data:image/${photo.startsWith('iVBOR') ? 'png' : 'jpeg'};base64,${photo}`;
}

/**
 * The largest photo (data: URL characters) the card carries: the presentation travels as QR
 * codes, about 700 characters each, so a larger photo is left out of the card (docs/id-card.md).
 */
export const MAX_CARD_PICTURE_LENGTH = 24_000;

/** The ID card claims of a person on a day (the age attestations depend on it). */
export function idCardClaimsOf(person: Person, at: Date): IdCardClaims {
  const photo = pictureDataUrl(person.photo);
  const picture = photo && photo.length <= MAX_CARD_PICTURE_LENGTH ? photo : undefined;
  return {
    given_name: person.givenName,
    family_name: person.familyName,
    birthdate: person.birthDate,
    ...(person.nationality ? { nationality: person.nationality } : {}),
    national_id: person.nationalId,
    ...(person.document?.number ? { document_number: person.document.number } : {}),
    ...(picture ? { picture } : {}),
    age_over_18: isAgeOver(person.birthDate, 18, at),
    age_over_21: isAgeOver(person.birthDate, 21, at),
  };
}

/** The day someone born on `birthdate` turns `years` (UTC midnight; 29 Feb → 1 Mar). */
export function birthday(birthdate: string, years: number): Date {
  const [y, m, d] = birthdate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d));
}

/** SHA-256 over the claims and the holder key: a different digest means the card must change. */
export function claimsDigest(claims: IdCardClaims, holderJwk: Record<string, unknown>): string {
  const { kty, crv, x, y } = holderJwk;
  return createHash('sha256')
    .update(canonicalJson({ claims, holder: { kty, crv, x, y } }))
    .digest('base64url');
}
