import { isE164Phone, isNationalId } from '@openmid/protocol';
import { AppError, badRequest } from '../errors.js';
import type { Person } from './registry-service.js';

/** What an officer records at registration (SPEC F1, §4.5). */
export interface NewPerson {
  nationalId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  nationality?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  address?: Person['address'] | undefined;
  photo?: string | undefined;
  document?: Person['document'] | undefined;
}

/** The person's data as sealed at rest (everything but id, status and timestamps). */
export type PersonData = Omit<Person, 'id' | 'status' | 'createdAt'>;

export const PHOTO_MAX_BYTES = 512 * 1024;

// Control characters, and the bidirectional overrides that make one name look like another.
const UNSAFE_TEXT = /[\p{Cc}\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;

/** Trimmed NFC text of 1..max characters without control or bidi-override characters (400 otherwise). */
export function text(field: string, value: string, max: number): string {
  const v = value.normalize('NFC').trim();
  if (v.length === 0) throw badRequest(`${field} must not be empty`);
  if (v.length > max) throw badRequest(`${field} is longer than ${max} characters`);
  if (UNSAFE_TEXT.test(v)) {
    throw badRequest(`${field} contains control or bidirectional-override characters`);
  }
  return v;
}

function optionalText(field: string, value: string | undefined, max: number): string | undefined {
  return value === undefined ? undefined : text(field, value, max);
}

/** A real calendar date YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function photoDataUrl(value: string): string {
  const m = /^data:(image\/(?:jpeg|png));base64,(.*)$/s.exec(value);
  const b64 = (m ? m[2] : value) ?? '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    throw new AppError(
      'invalid_encoding',
      'photo must be base64 (or a data: URL) of a JPEG or PNG',
    );
  }
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length > PHOTO_MAX_BYTES) {
    throw badRequest(`photo is larger than ${PHOTO_MAX_BYTES} bytes`);
  }
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const isPng =
    bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
  if (!isJpeg && !isPng) throw badRequest('photo must be a JPEG or PNG image');
  const type = isJpeg ? 'image/jpeg' : 'image/png';
  if (m && m[1] !== type) throw badRequest(`photo says ${m[1]} but is ${type}`);
  return `data:${type};base64,${b64}`;
}

/**
 * Check and normalise a registration: the national id in ETSI semantics form, names in any
 * script (NFC, no control or bidi-override characters), a real birth date in the past, E.164
 * phone, a JPEG/PNG photo. Throws a 400 AppError naming the field.
 */
export function validateNewPerson(input: NewPerson, today: Date): PersonData {
  const nationalId = input.nationalId.trim();
  if (!isNationalId(nationalId)) {
    throw new AppError(
      'invalid_national_id',
      'nationalId must be in ETSI semantics form, e.g. PNOAZ-1234567',
    );
  }
  if (!isIsoDate(input.birthDate)) throw badRequest('birthDate must be a date YYYY-MM-DD');
  if (input.birthDate > today.toISOString().slice(0, 10) || input.birthDate < '1880-01-01') {
    throw badRequest('birthDate is not a plausible date of birth');
  }
  if (input.nationality !== undefined && !/^[A-Z]{2}$/.test(input.nationality)) {
    throw badRequest('nationality must be an ISO 3166-1 alpha-2 code');
  }
  if (input.phone !== undefined && !isE164Phone(input.phone)) {
    throw badRequest('phone must be an E.164 number, e.g. +994501234567');
  }
  if (
    input.email !== undefined &&
    (input.email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
  ) {
    throw badRequest('email is not an e-mail address');
  }
  let address: Person['address'] = null;
  if (input.address !== undefined) {
    const a = input.address ?? {};
    address = {};
    for (const key of ['formatted', 'street_address', 'locality', 'postal_code'] as const) {
      const v = optionalText(`address.${key}`, a[key], 500);
      if (v !== undefined) address[key] = v;
    }
    if (a.country !== undefined) {
      if (!/^[A-Z]{2}$/.test(a.country)) throw badRequest('address.country must be alpha-2');
      address.country = a.country;
    }
    if (Object.keys(address).length === 0) throw badRequest('address is empty');
  }
  let document: Person['document'] = null;
  if (input.document !== undefined && input.document !== null) {
    const d = input.document;
    if (d.expiresOn !== undefined && !isIsoDate(d.expiresOn)) {
      throw badRequest('document.expiresOn must be a date YYYY-MM-DD');
    }
    document = {
      type: text('document.type', d.type, 50),
      number: text('document.number', d.number, 50),
    };
    const issuedBy = optionalText('document.issuedBy', d.issuedBy, 200);
    if (issuedBy !== undefined) document.issuedBy = issuedBy;
    if (d.expiresOn !== undefined) document.expiresOn = d.expiresOn;
    const checkedBy = optionalText('document.checkedBy', d.checkedBy, 200);
    if (checkedBy !== undefined) document.checkedBy = checkedBy;
  }
  return {
    nationalId,
    givenName: text('givenName', input.givenName, 200),
    familyName: text('familyName', input.familyName, 200),
    birthDate: input.birthDate,
    nationality: input.nationality ?? null,
    phone: input.phone ?? null,
    email: input.email ?? null,
    address,
    photo: input.photo === undefined ? null : photoDataUrl(input.photo),
    document,
  };
}
