import type { DeviceKeyPurpose } from '@openmid/protocol';
import { DeviceError } from './device-error.js';

/** SPEC F4 / F6: PIN1 4–12 digits, PIN2 5–12 digits, three tries each; the PUK has its own counter. */
export const PIN_TRIES = 3;
/** Like a SIM card's PUK (ETSI TS 102 221): ten tries, then the PUK is blocked for good. */
export const PUK_TRIES = 10;

export const PIN_LENGTH = {
  auth: { min: 4, max: 12 },
  sign: { min: 5, max: 12 },
} as const satisfies Record<DeviceKeyPurpose, { min: number; max: number }>;

export function pinName(purpose: DeviceKeyPurpose): 'PIN1' | 'PIN2' {
  return purpose === 'auth' ? 'PIN1' : 'PIN2';
}

/** Throws PIN_FORMAT when `pin` cannot be a PIN for that key (it never counts as a try). */
export function assertPinFormat(purpose: DeviceKeyPurpose, pin: string): void {
  const { min, max } = PIN_LENGTH[purpose];
  if (!/^[0-9]+$/.test(pin) || pin.length < min || pin.length > max) {
    throw new DeviceError('PIN_FORMAT', `${pinName(purpose)} must be ${min}–${max} digits`);
  }
}

export function assertPukFormat(puk: string): void {
  if (!/^[0-9A-Za-z-]{4,64}$/.test(puk)) {
    throw new DeviceError('PIN_FORMAT', 'the PUK must be 4–64 letters, digits or dashes');
  }
}

/**
 * What a key may sign (key-store.ts, SignInput): the authentication key only signedData, the
 * signing key only a SHA-256/384/512 digest. The error to throw, or undefined when it is allowed.
 */
export function signInputError(
  purpose: DeviceKeyPurpose,
  input: { data: Uint8Array } | { digest: Uint8Array },
): DeviceError | undefined {
  if (purpose === 'auth' && !('data' in input)) {
    return new DeviceError('KEY_USAGE', 'the authentication key signs only signedData');
  }
  if (purpose === 'sign' && !('digest' in input)) {
    return new DeviceError('KEY_USAGE', 'the signing key signs only a digest');
  }
  if ('digest' in input && ![32, 48, 64].includes(input.digest.length)) {
    return new DeviceError('KEY_USAGE', 'a digest is 32, 48 or 64 bytes (SHA-256/384/512)');
  }
  return undefined;
}

/** A wrong PIN that left `left` tries (PIN_BLOCKED with justBlocked when none are left). */
export function wrongPinError(purpose: DeviceKeyPurpose, left: number): DeviceError {
  const name = pinName(purpose);
  if (left <= 0) {
    return new DeviceError('PIN_BLOCKED', `wrong ${name}: ${name} is now blocked`, {
      triesLeft: 0,
      justBlocked: true,
    });
  }
  return new DeviceError('PIN_INVALID', `wrong ${name}: ${left} tries left`, { triesLeft: left });
}

/** A wrong PUK that left `left` tries (PUK_BLOCKED with justBlocked when none are left). */
export function wrongPukError(left: number): DeviceError {
  if (left <= 0) {
    return new DeviceError('PUK_BLOCKED', 'wrong PUK: the PUK is now blocked', {
      triesLeft: 0,
      justBlocked: true,
    });
  }
  return new DeviceError('PUK_INVALID', `wrong PUK: ${left} tries left`, { triesLeft: left });
}
