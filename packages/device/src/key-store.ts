import type { DeviceKeyPurpose } from '@openmid/protocol';
import type { JWK } from 'jose';

/** Tries left on one PIN (or the PUK); `blocked` when none are. */
export interface PinCounter {
  triesLeft: number;
  blocked: boolean;
}

export interface PinCounters {
  pin1: PinCounter;
  pin2: PinCounter;
  puk: PinCounter;
}

/**
 * What a key signs. The authentication key signs only `data` (the canonical signedData of
 * SPEC §4.3, hashed with SHA-256); the signing key signs only a ready `digest` (the RP's hash,
 * F15). A store refuses the other combination, so the authentication key can never be made to
 * sign a document digest.
 */
export type SignInput = { data: Uint8Array } | { digest: Uint8Array };

/**
 * The phone's key store (DESIGN §4): a device key (no PIN) that signs the device proofs, the
 * authentication key behind PIN1 and the signing key behind PIN2. `SoftwareKeyStore` keeps them
 * encrypted in serializable state; a native app implements this port over its hardware.
 *
 * PIN methods throw `DeviceError` PIN_INVALID (with `triesLeft`), PIN_BLOCKED, PIN_FORMAT,
 * PUK_INVALID or PUK_BLOCKED; a wrong try is counted before the key is touched.
 */
export interface KeyStore {
  /** 'software' or 'hardware': the server's level of assurance depends on it. */
  readonly kind: 'software' | 'hardware';
  /** Public JWK of the device key, as the device proof's `jwk` header carries it. */
  devicePublicJwk(): Promise<JWK>;
  /** The device key for ES256 device proofs (a non-extractable CryptoKey where possible). */
  deviceSigningKey(): Promise<CryptoKey>;
  /** Public JWK of the authentication or signing key. */
  publicJwk(purpose: DeviceKeyPurpose): Promise<JWK>;
  /** Signs with the key behind the PIN; returns the DER `ECDSA-Sig-Value`. */
  sign(purpose: DeviceKeyPurpose, pin: string, input: SignInput): Promise<Uint8Array>;
  /** Checks the PIN without signing (it counts like a signature would). */
  verifyPin(purpose: DeviceKeyPurpose, pin: string): Promise<void>;
  changePin(purpose: DeviceKeyPurpose, oldPin: string, newPin: string): Promise<void>;
  /** The PUK unblocks the key and sets a new PIN; the PUK has its own counter. */
  unblockPin(purpose: DeviceKeyPurpose, puk: string, newPin: string): Promise<void>;
  pinCounters(): Promise<PinCounters>;
}

/**
 * Keys made for an activation, before the PUK is known: the device key signs the activation's
 * proof, the CSRs go to the server, and `complete(puk)` (with the PUK the activation releases)
 * yields the key store.
 */
export interface KeyProvisioning {
  readonly kind: 'software' | 'hardware';
  devicePublicJwk(): Promise<JWK>;
  deviceSigningKey(): Promise<CryptoKey>;
  /** PKCS#10 certificate signing request (DER) for the authentication or signing key. */
  createCsr(purpose: DeviceKeyPurpose): Promise<Uint8Array>;
  complete(puk: string): Promise<KeyStore>;
}
