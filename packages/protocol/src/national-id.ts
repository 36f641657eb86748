/**
 * National identifiers in ETSI EN 319 412-1 §5.1.3 semantics form: type (PNO, PAS, IDC),
 * ISO 3166-1 alpha-2 country, '-', identifier, e.g. `PNOAZ-1234567`.
 */
export interface NationalId {
  type: 'PNO' | 'PAS' | 'IDC';
  country: string;
  number: string;
}

const PATTERN = /^(PNO|PAS|IDC)([A-Z]{2})-([0-9A-Z]{1,20})$/;

export function parseNationalId(value: string): NationalId | undefined {
  const m = PATTERN.exec(value);
  if (!m) return undefined;
  return { type: m[1] as NationalId['type'], country: m[2] as string, number: m[3] as string };
}

export function isNationalId(value: string): boolean {
  return PATTERN.test(value);
}

export function formatNationalId(id: NationalId): string {
  return `${id.type}${id.country}-${id.number}`;
}

/** E.164 phone number: '+', country code, up to 15 digits in all. */
export function isE164Phone(value: string): boolean {
  return /^\+[1-9][0-9]{6,14}$/.test(value);
}
