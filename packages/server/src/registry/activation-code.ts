import { randomInt } from 'node:crypto';

/**
 * Activation codes (SPEC F2): 20 Crockford base32 characters in five groups of four,
 * `XXXX-XXXX-XXXX-XXXX-XXXX` (100 bits). The first two groups are the code's id (40 bits, the
 * database key); the other three are its secret (60 bits), stored only as a keyed hash and
 * compared in constant time. Crockford's alphabet has no I, L, O or U, and reading accepts the
 * usual confusions (o → 0, i/l → 1), lower case, spaces and missing hyphens.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_LENGTH = 8;
const SECRET_LENGTH = 12;
const LENGTH = ID_LENGTH + SECRET_LENGTH;

export interface ActivationCodeParts {
  id: string;
  secret: string;
}

function randomChars(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

function group(chars: string): string {
  return chars.match(/.{4}/g)?.join('-') ?? chars;
}

export function generateActivationCode(): ActivationCodeParts & { code: string } {
  const id = randomChars(ID_LENGTH);
  const secret = randomChars(SECRET_LENGTH);
  return { id, secret, code: group(id + secret) };
}

/** The id and secret of a typed code, or undefined when it cannot be one of ours. */
export function parseActivationCode(input: string): ActivationCodeParts | undefined {
  if (input.length > 64) return undefined;
  const normalised = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (normalised.length !== LENGTH) return undefined;
  for (const c of normalised) if (!ALPHABET.includes(c)) return undefined;
  return { id: normalised.slice(0, ID_LENGTH), secret: normalised.slice(ID_LENGTH) };
}

/** An 8-digit PUK (F6): unblocks a PIN on the phone, which keeps its own try counter. */
export function generatePuk(): string {
  return String(randomInt(100_000_000)).padStart(8, '0');
}
