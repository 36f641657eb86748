/**
 * The digital ID card (SPEC F20): an SD-JWT VC whose every claim is selectively disclosable.
 * Names follow OpenID Connect Core §5.1 where one exists (`given_name`, `family_name`,
 * `birthdate`, `nationality`, `picture`) and the ISO 18013-5 age attestations (`age_over_18`).
 */
export const ID_CARD_VCT = 'urn:openmid:id-card:1';

export const ID_CARD_CLAIMS = [
  'given_name',
  'family_name',
  'birthdate',
  'nationality',
  'national_id',
  'document_number',
  'picture',
  'age_over_18',
  'age_over_21',
] as const;

export type IdCardClaim = (typeof ID_CARD_CLAIMS)[number];

export function isIdCardClaim(value: unknown): value is IdCardClaim {
  return typeof value === 'string' && (ID_CARD_CLAIMS as readonly string[]).includes(value);
}

/** The identity the card carries; absent optional data is left out of the credential. */
export interface IdCardClaims {
  given_name: string;
  family_name: string;
  /** ISO date YYYY-MM-DD. */
  birthdate: string;
  /** ISO 3166-1 alpha-2. */
  nationality?: string;
  /** ETSI semantics identifier, e.g. PNOAZ-1234567. */
  national_id: string;
  document_number?: string;
  /** data: URL of the registration photo. */
  picture?: string;
  age_over_18: boolean;
  age_over_21: boolean;
}

/** Whether someone born on `birthdate` (YYYY-MM-DD) is at least `years` old on `at` (UTC). */
export function isAgeOver(birthdate: string, years: number, at: Date): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthdate);
  if (!match) throw new TypeError('birthdate must be YYYY-MM-DD');
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ay = at.getUTCFullYear();
  const am = at.getUTCMonth() + 1;
  const ad = at.getUTCDate();
  const age = ay - y - (am < m || (am === m && ad < d) ? 1 : 0);
  return age >= years;
}

/** The claims in a stable order (the card and the consent screen list them this way). */
export function sortIdCardClaims(claims: readonly IdCardClaim[]): IdCardClaim[] {
  return ID_CARD_CLAIMS.filter((c) => claims.includes(c));
}
