/**
 * Errors of the device SDK, with a stable `code` to switch on (never the message text).
 * - PIN_INVALID: wrong PIN; `triesLeft` says how many remain.
 * - PIN_BLOCKED: the key is blocked (three wrong PINs); `justBlocked` when this try blocked it.
 * - PUK_INVALID / PUK_BLOCKED: the same for the PUK.
 * - PIN_FORMAT: the PIN does not fit the policy (digits, length); it does not count as a try.
 * - STATE_INVALID: a serialized key store or device state is unreadable.
 * - KEY_USAGE: a key was asked to sign what it never signs (the auth key signs only signedData).
 * - REQUEST_INVALID: a pending request from the server cannot be answered as it stands.
 * - SERVER: the server answered with an RFC 9457 problem (`status`, `error`, `detail`).
 * - NETWORK: the server could not be reached or answered something unreadable.
 */
export type DeviceErrorCode =
  | 'PIN_INVALID'
  | 'PIN_BLOCKED'
  | 'PUK_INVALID'
  | 'PUK_BLOCKED'
  | 'PIN_FORMAT'
  | 'STATE_INVALID'
  | 'KEY_USAGE'
  | 'REQUEST_INVALID'
  | 'SERVER'
  | 'NETWORK';

export interface DeviceErrorDetails {
  triesLeft?: number;
  justBlocked?: boolean;
  status?: number;
  /** The server's stable error code (the problem body's `error` member). */
  error?: string;
  cause?: unknown;
}

export class DeviceError extends Error {
  readonly code: DeviceErrorCode;
  readonly triesLeft: number | undefined;
  readonly justBlocked: boolean;
  readonly status: number | undefined;
  readonly error: string | undefined;

  constructor(code: DeviceErrorCode, message: string, details: DeviceErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DeviceError';
    this.code = code;
    this.triesLeft = details.triesLeft;
    this.justBlocked = details.justBlocked ?? false;
    this.status = details.status;
    this.error = details.error;
  }
}

export function isDeviceError(value: unknown, code?: DeviceErrorCode): value is DeviceError {
  return value instanceof DeviceError && (code === undefined || value.code === code);
}
