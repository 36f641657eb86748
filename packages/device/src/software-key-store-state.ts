import type { DeviceKeyPurpose } from '@openmid/protocol';
import type { JWK } from 'jose';
import { DeviceError } from './device-error.js';
import { PIN_TRIES, PUK_TRIES } from './pin-policy.js';
import type { SealedSecret } from './sealed-secret.js';

export const SOFTWARE_KEY_STORE_FORMAT = 'openmid.software-key-store.v1';

export interface SealedKeyState {
  publicJwk: JWK;
  /** PKCS#8 under the PIN (PIN1 for auth, PIN2 for sign). */
  underPin: SealedSecret;
  /** The same PKCS#8 under the PUK, so the PUK can set a new PIN. */
  underPuk: SealedSecret;
  triesLeft: number;
}

/** Everything the software key store keeps: plain JSON for a file (mode 0600) or IndexedDB. */
export interface SoftwareKeyStoreState {
  format: typeof SOFTWARE_KEY_STORE_FORMAT;
  /** The device key (no PIN, DESIGN §4) as a private JWK. */
  deviceKey: JWK;
  keys: Record<DeviceKeyPurpose, SealedKeyState>;
  puk: { triesLeft: number };
}

/** Check that a value read back from storage is a software key store state (STATE_INVALID if not). */
export function parseSoftwareKeyStoreState(value: unknown): SoftwareKeyStoreState {
  const state = record(value, 'key store');
  if (state.format !== SOFTWARE_KEY_STORE_FORMAT) {
    throw invalid(`unknown key store format ${JSON.stringify(state.format)}`);
  }
  const deviceKey = ecJwk(state.deviceKey, 'device key', true);
  const keys = record(state.keys, 'keys');
  const puk = record(state.puk, 'puk');
  return {
    format: SOFTWARE_KEY_STORE_FORMAT,
    deviceKey,
    keys: { auth: sealedKey(keys.auth, 'auth'), sign: sealedKey(keys.sign, 'sign') },
    puk: { triesLeft: counter(puk.triesLeft, PUK_TRIES, 'puk.triesLeft') },
  };
}

function sealedKey(value: unknown, purpose: DeviceKeyPurpose): SealedKeyState {
  const key = record(value, `keys.${purpose}`);
  return {
    publicJwk: ecJwk(key.publicJwk, `keys.${purpose}.publicJwk`, false),
    underPin: sealed(key.underPin, `keys.${purpose}.underPin`),
    underPuk: sealed(key.underPuk, `keys.${purpose}.underPuk`),
    triesLeft: counter(key.triesLeft, PIN_TRIES, `keys.${purpose}.triesLeft`),
  };
}

function sealed(value: unknown, where: string): SealedSecret {
  const s = record(value, where);
  if (s.kdf !== 'PBKDF2-SHA256') throw invalid(`${where}.kdf is not PBKDF2-SHA256`);
  if (typeof s.iterations !== 'number' || !Number.isSafeInteger(s.iterations) || s.iterations < 1) {
    throw invalid(`${where}.iterations is not a positive integer`);
  }
  for (const field of ['salt', 'iv', 'ciphertext'] as const) {
    if (typeof s[field] !== 'string' || s[field] === '') throw invalid(`${where}.${field} missing`);
  }
  return {
    kdf: 'PBKDF2-SHA256',
    iterations: s.iterations,
    salt: s.salt as string,
    iv: s.iv as string,
    ciphertext: s.ciphertext as string,
  };
}

function ecJwk(value: unknown, where: string, isPrivate: boolean) {
  const jwk = record(value, where);
  const fields = isPrivate ? (['x', 'y', 'd'] as const) : (['x', 'y'] as const);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw invalid(`${where} is not a P-256 key`);
  for (const field of fields) {
    if (typeof jwk[field] !== 'string') throw invalid(`${where}.${field} missing`);
  }
  return isPrivate
    ? { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string, d: jwk.d as string }
    : { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string };
}

function counter(value: unknown, max: number, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw invalid(`${where} must be an integer 0–${max}`);
  }
  return value;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`${where} is not an object`);
  }
  return value as Record<string, unknown>;
}

function invalid(message: string): DeviceError {
  return new DeviceError('STATE_INVALID', `invalid key store state: ${message}`);
}
