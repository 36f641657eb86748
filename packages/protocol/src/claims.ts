/**
 * Claims a relying party may ask to receive (F14 form filling, F25 minimal claims), named as in
 * OpenID Connect Core §5.1 where a standard name exists. `national_id` is the ETSI semantics
 * identifier (PNOAZ-1234567): released only when a client is allowed it and the citizen consents.
 */
export const RELEASABLE_CLAIMS = [
  'given_name',
  'family_name',
  'name',
  'birthdate',
  'age_over_18',
  'nationality',
  'address',
  'phone_number',
  'email',
  'picture',
  'national_id',
] as const;

export type ReleasableClaim = (typeof RELEASABLE_CLAIMS)[number];

export function isReleasableClaim(value: string): value is ReleasableClaim {
  return (RELEASABLE_CLAIMS as readonly string[]).includes(value);
}
