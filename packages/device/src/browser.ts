/**
 * The SDK for a browser wallet without the X.509 code (loaded by WebCryptoKeyStore only when an
 * activation makes its CSRs), so a wallet's first screen stays small. Everything here is also
 * exported by the main entry.
 */
export { decodeBase64, encodeBase64 } from './base64.js';
export { type ActivateOptions, DeviceClient, type DeviceRegistration } from './device-client.js';
export { DeviceError, type DeviceErrorCode, isDeviceError } from './device-error.js';
export { derToP1363, p1363ToDer } from './ecdsa-signature.js';
export type { KeyProvisioning, KeyStore, PinCounter, PinCounters } from './key-store.js';
export { PIN_LENGTH, PIN_TRIES, PUK_TRIES, pinName } from './pin-policy.js';
export {
  WebCryptoKeyStore,
  type WebCryptoKeyStoreOptions,
  type WebCryptoKeyStoreRecord,
} from './webcrypto-key-store.js';
