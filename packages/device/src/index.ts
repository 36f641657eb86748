export { decodeBase64, encodeBase64 } from './base64.js';
export { createCsr } from './csr.js';
export { type ApproveOptions, createApproval } from './device-answer.js';
export {
  type ActivateOptions,
  DeviceClient,
  type DeviceClientOptions,
  type DeviceRegistration,
  MAX_POLL_MS,
} from './device-client.js';
export {
  DeviceError,
  type DeviceErrorCode,
  type DeviceErrorDetails,
  isDeviceError,
} from './device-error.js';
export { createDeviceProof, type DeviceProofInput } from './device-proof.js';
export { derToP1363, p1363ToDer, signDataDer, signDigestDer } from './ecdsa-signature.js';
export type {
  KeyProvisioning,
  KeyStore,
  PinCounter,
  PinCounters,
  SignInput,
} from './key-store.js';
export {
  assertPinFormat,
  assertPukFormat,
  PIN_LENGTH,
  PIN_TRIES,
  PUK_TRIES,
  pinName,
} from './pin-policy.js';
export { DEFAULT_KDF_ITERATIONS, type SealedSecret } from './sealed-secret.js';
export {
  type ProvisionOptions,
  SoftwareKeyStore,
  type SoftwareKeyStoreOptions,
} from './software-key-store.js';
export {
  parseSoftwareKeyStoreState,
  type SealedKeyState,
  SOFTWARE_KEY_STORE_FORMAT,
  type SoftwareKeyStoreState,
} from './software-key-store-state.js';
export {
  type PinVerifier,
  WEBCRYPTO_KEY_STORE_FORMAT,
  WebCryptoKeyStore,
  type WebCryptoKeyStoreOptions,
  type WebCryptoKeyStoreRecord,
} from './webcrypto-key-store.js';
