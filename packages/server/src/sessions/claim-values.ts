import type { ReleasableClaim } from '@openmid/protocol';
import type { Person } from '../registry/registry-service.js';

/** Whole years between an ISO birth date and a moment. */
export function ageAt(birthDate: string, at: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = at.getUTCFullYear() - y;
  const beforeBirthday =
    at.getUTCMonth() + 1 < mo || (at.getUTCMonth() + 1 === mo && at.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

/**
 * The values of approved claims (F14), OIDC Core §5.1 names. Only what is named is read; a claim
 * the registry has no value for is left out.
 */
export function claimValues(
  person: Person,
  claims: readonly string[],
  at: Date,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const claim of claims as readonly ReleasableClaim[]) {
    switch (claim) {
      case 'given_name':
        out.given_name = person.givenName;
        break;
      case 'family_name':
        out.family_name = person.familyName;
        break;
      case 'name':
        out.name = `${person.givenName} ${person.familyName}`;
        break;
      case 'birthdate':
        out.birthdate = person.birthDate;
        break;
      case 'age_over_18': {
        const age = ageAt(person.birthDate, at);
        if (age !== undefined) out.age_over_18 = age >= 18;
        break;
      }
      case 'nationality':
        if (person.nationality) out.nationality = person.nationality;
        break;
      case 'address':
        if (person.address) out.address = { ...person.address };
        break;
      case 'phone_number':
        if (person.phone) out.phone_number = person.phone;
        break;
      case 'email':
        if (person.email) out.email = person.email;
        break;
      case 'picture':
        if (person.photo) out.picture = person.photo;
        break;
      case 'national_id':
        out.national_id = person.nationalId;
        break;
      default:
        break;
    }
  }
  return out;
}
