import type { Person } from '../registry/registry-service.js';

/**
 * Claims by scope (OpenID Connect Core §5.4, plus OpenMID's `national_id` and `age_over_18`
 * scopes). A client asks by scope or by the `claims` parameter; it only ever receives claims in
 * its allowed_claims, and only those the citizen approved on the phone (F14).
 */
export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: ['name', 'given_name', 'family_name', 'birthdate', 'nationality', 'picture'],
  email: ['email'],
  phone: ['phone_number'],
  address: ['address'],
  national_id: ['national_id'],
  age_over_18: ['age_over_18'],
};

/** Every claim the provider can release about a person. */
export const PERSON_CLAIMS = [...new Set(Object.values(SCOPE_CLAIMS).flat())];

/** Claims released without consent: they describe the log-in, not the person. */
const PROTOCOL_CLAIMS = new Set(['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss', 'nonce']);

export interface ClaimsRequest {
  scopes: Iterable<string>;
  /** Names from the `claims` parameter (id_token and userinfo members). */
  parameterClaims: Iterable<string>;
}

/** Every person claim the request mentions, by scope or by name. */
export function mentionedClaims(request: ClaimsRequest): string[] {
  const names = new Set<string>();
  for (const scope of request.scopes) for (const c of SCOPE_CLAIMS[scope] ?? []) names.add(c);
  for (const c of request.parameterClaims) {
    if (!PROTOCOL_CLAIMS.has(c) && PERSON_CLAIMS.includes(c)) names.add(c);
  }
  return [...names].sort();
}

/** What the citizen is asked on the phone: the mentioned claims the client may receive. */
export function claimsToAsk(request: ClaimsRequest, allowedClaims: readonly string[]): string[] {
  const allowed = new Set(allowedClaims);
  return mentionedClaims(request).filter((c) => allowed.has(c));
}

/** Names in a `claims` parameter object (OIDC Core §5.5). */
export function claimsParameterNames(claims: unknown): string[] {
  if (!claims || typeof claims !== 'object') return [];
  const names: string[] = [];
  for (const member of ['id_token', 'userinfo'] as const) {
    const part = (claims as Record<string, unknown>)[member];
    if (part && typeof part === 'object') names.push(...Object.keys(part));
  }
  return names;
}

function ageOn(birthDate: string, today: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = today.getUTCFullYear() - y;
  const beforeBirthday =
    today.getUTCMonth() + 1 < mo || (today.getUTCMonth() + 1 === mo && today.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

/** The person's claim values (never logged; oidc-provider masks them by scope, request and grant). */
export function personClaimValues(person: Person, today: Date): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: `${person.givenName} ${person.familyName}`,
    given_name: person.givenName,
    family_name: person.familyName,
    birthdate: person.birthDate,
    national_id: person.nationalId,
  };
  const age = ageOn(person.birthDate, today);
  if (age !== undefined) values.age_over_18 = age >= 18;
  if (person.nationality) values.nationality = person.nationality;
  if (person.email) values.email = person.email;
  if (person.phone) values.phone_number = person.phone;
  if (person.address) values.address = person.address;
  if (person.photo) {
    values.picture = person.photo.startsWith('data:')
      ? person.photo
      : `data:image/jpeg;base64,${person.photo}`;
  }
  return values;
}
