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
