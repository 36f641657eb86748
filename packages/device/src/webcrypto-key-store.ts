import type { DeviceKeyPurpose } from '@openmid/protocol';
import type { JWK } from 'jose';
import { decodeBase64, encodeBase64 } from './base64.js';
import { DeviceError } from './device-error.js';
import { p1363ToDer, signDigestDer } from './ecdsa-signature.js';
import type { KeyProvisioning, KeyStore, PinCounters, SignInput } from './key-store.js';
import {
  assertPinFormat,
  assertPukFormat,
  PIN_TRIES,
  PUK_TRIES,
  pinName,
  signInputError,
  wrongPinError,
  wrongPukError,
} from './pin-policy.js';
import {
  bufferOf,
  DEFAULT_KDF_ITERATIONS,
  openSecret,
  type SealedSecret,
  sealSecret,
} from './sealed-secret.js';

export const WEBCRYPTO_KEY_STORE_FORMAT = 'openmid-webcrypto-key-store/1';

/** A PIN check value: HMAC (under the store's non-extractable key) of PBKDF2(PIN, salt). */
export interface PinVerifier {
  iterations: number;
  /** base64 */
  salt: string;
  /** base64 */
  mac: string;
}

/**
 * What a WebCryptoKeyStore persists: a structured-clonable record (IndexedDB keeps CryptoKey
 * objects as they are, non-extractable ones included). No private key is in it in the clear:
 * the device key, the authentication key and the verifier key are non-extractable CryptoKeys;
 * the signing key is PKCS#8 sealed under PIN2 and under the PUK (see below why).
 */
export interface WebCryptoKeyStoreRecord {
  format: typeof WEBCRYPTO_KEY_STORE_FORMAT;
  device: { privateKey: CryptoKey; publicJwk: JWK };
  /** HMAC-SHA256 key for the PIN and PUK verifiers (non-extractable). */
  verifierKey: CryptoKey;
  auth: { privateKey: CryptoKey; publicJwk: JWK; pin: PinVerifier; triesLeft: number };
  sign: { publicJwk: JWK; underPin: SealedSecret; underPuk: SealedSecret; triesLeft: number };
  puk: { verifier: PinVerifier; triesLeft: number };
}

export interface WebCryptoKeyStoreOptions {
  /** Persist the record after every change, before the change takes effect (a try is counted). */
  save: (record: WebCryptoKeyStoreRecord) => Promise<void> | void;
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const utf8 = (text: string) => new TextEncoder().encode(text);

function publicOnly(jwk: JsonWebKey): JWK {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    throw new DeviceError('STATE_INVALID', 'not a P-256 key');
  }
  return { kty, crv, x, y };
}

async function makeVerifier(
  key: CryptoKey,
  secret: string,
  label: string,
  iterations: number,
  salt: Uint8Array = crypto.getRandomValues(new Uint8Array(16)),
): Promise<PinVerifier> {
  const material = await crypto.subtle.importKey('raw', bufferOf(utf8(secret)), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: bufferOf(salt), iterations },
      material,
      256,
    ),
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      'HMAC',
      key,
      bufferOf(new Uint8Array([...utf8(`${label}|`), ...bits])),
    ),
  );
  bits.fill(0);
  return { iterations, salt: encodeBase64(salt), mac: encodeBase64(mac) };
}

async function checkVerifier(
  key: CryptoKey,
  verifier: PinVerifier,
  secret: string,
  label: string,
): Promise<boolean> {
  const again = await makeVerifier(
    key,
    secret,
    label,
    verifier.iterations,
    decodeBase64(verifier.salt),
  );
  const a = decodeBase64(again.mac);
  const b = decodeBase64(verifier.mac);
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * The browser wallet's key store: keys made by WebCrypto and kept **non-extractable** where
 * WebCrypto allows it (DESIGN §4, docs/device-sdk.md):
 * - the device key (device proofs) and the authentication key (PIN1) are non-extractable
 *   CryptoKeys; page code can use them but no code can read them out. PIN1 gates the
 *   authentication key by a verifier (PBKDF2 → HMAC under a non-extractable key) and a try counter;
 * - the signing key (PIN2) must sign the RP's ready digest, which WebCrypto cannot (it always
 *   hashes), so it is kept as PKCS#8 sealed under PIN2 and the PUK (AES-GCM, PBKDF2), as in
 *   SoftwareKeyStore, and opened only for the moment of a signature.
 * The PUK (released once at activation) unblocks either PIN.
 */
export class WebCryptoKeyStore implements KeyStore {
  readonly kind = 'software' as const;
  #record: WebCryptoKeyStoreRecord;
  readonly #save: WebCryptoKeyStoreOptions['save'];
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(record: WebCryptoKeyStoreRecord, options: WebCryptoKeyStoreOptions) {
    this.#record = record;
    this.#save = options.save;
  }

  static async provision(
    options: { pin1: string; pin2: string; kdfIterations?: number } & WebCryptoKeyStoreOptions,
  ): Promise<KeyProvisioning> {
    assertPinFormat('auth', options.pin1);
    assertPinFormat('sign', options.pin2);
    const iterations = options.kdfIterations ?? DEFAULT_KDF_ITERATIONS;
    const fixed = () => crypto.subtle.generateKey(P256, false, ['sign', 'verify']);
    const [device, auth] = await Promise.all([fixed(), fixed()]);
    // Extractable only until it is sealed in complete(); then the CryptoKey is dropped.
    const sign = await crypto.subtle.generateKey(P256, true, ['sign', 'verify']);
    const verifierKey = await crypto.subtle.generateKey(
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      false,
      ['sign'],
    );
    const jwkOf = async (k: CryptoKey) => publicOnly(await crypto.subtle.exportKey('jwk', k));
    const deviceJwk = await jwkOf(device.publicKey);
    const pairs = { auth, sign };
    let completed = false;
    return {
      kind: 'software',
      devicePublicJwk: async () => ({ ...deviceJwk }),
      deviceSigningKey: async () => device.privateKey,
      // Loaded on demand: the X.509 code is only needed once, at activation (the wallet's first
      // screen stays small).
      createCsr: async (purpose) =>
        (await import('./csr.js')).createCsr(pairs[purpose], `CN=OpenMID ${purpose} key`),
      complete: async (puk) => {
        assertPukFormat(puk);
        if (completed) throw new TypeError('the provisioning is already complete');
        completed = true;
        const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', sign.privateKey));
        let record: WebCryptoKeyStoreRecord;
        try {
          record = {
            format: WEBCRYPTO_KEY_STORE_FORMAT,
            device: { privateKey: device.privateKey, publicJwk: deviceJwk },
            verifierKey,
            auth: {
              privateKey: auth.privateKey,
              publicJwk: await jwkOf(auth.publicKey),
              pin: await makeVerifier(verifierKey, options.pin1, 'pin1', iterations),
              triesLeft: PIN_TRIES,
            },
            sign: {
              publicJwk: await jwkOf(sign.publicKey),
              underPin: await sealSecret(
                pkcs8,
                options.pin2,
                `${WEBCRYPTO_KEY_STORE_FORMAT}/sign/pin`,
                iterations,
              ),
              underPuk: await sealSecret(
                pkcs8,
                puk,
                `${WEBCRYPTO_KEY_STORE_FORMAT}/sign/puk`,
                iterations,
              ),
              triesLeft: PIN_TRIES,
            },
            puk: {
              verifier: await makeVerifier(verifierKey, puk, 'puk', iterations),
              triesLeft: PUK_TRIES,
            },
          };
        } finally {
          pkcs8.fill(0);
        }
        await options.save(record);
        return new WebCryptoKeyStore(record, options);
      },
    };
  }

  /** Re-open a store from the record its `save` persisted. */
  static open(record: unknown, options: WebCryptoKeyStoreOptions): WebCryptoKeyStore {
    const r = record as Partial<WebCryptoKeyStoreRecord> | null;
    if (
      !r ||
      r.format !== WEBCRYPTO_KEY_STORE_FORMAT ||
      !(r.device?.privateKey instanceof CryptoKey) ||
      !(r.auth?.privateKey instanceof CryptoKey) ||
      !(r.verifierKey instanceof CryptoKey) ||
      !r.sign?.underPin ||
      !r.puk?.verifier
    ) {
      throw new DeviceError('STATE_INVALID', 'not a WebCrypto key store record');
    }
    return new WebCryptoKeyStore(r as WebCryptoKeyStoreRecord, options);
  }

  async devicePublicJwk(): Promise<JWK> {
    return { ...this.#record.device.publicJwk };
  }

  async deviceSigningKey(): Promise<CryptoKey> {
    return this.#record.device.privateKey;
  }

  async publicJwk(purpose: DeviceKeyPurpose): Promise<JWK> {
    return { ...this.#record[purpose].publicJwk };
  }

  async pinCounters(): Promise<PinCounters> {
    const c = (triesLeft: number) => ({ triesLeft, blocked: triesLeft <= 0 });
    return {
      pin1: c(this.#record.auth.triesLeft),
      pin2: c(this.#record.sign.triesLeft),
      puk: c(this.#record.puk.triesLeft),
    };
  }

  sign(purpose: DeviceKeyPurpose, pin: string, input: SignInput): Promise<Uint8Array> {
    const refused = signInputError(purpose, input);
    if (refused) return Promise.reject(refused);
    return this.#withPin(purpose, pin, async (pkcs8) => {
      if ('data' in input) {
        const raw = await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          this.#record.auth.privateKey,
          bufferOf(input.data),
        );
        return p1363ToDer(new Uint8Array(raw));
      }
      if (!pkcs8) throw new DeviceError('STATE_INVALID', 'the signing key did not open');
      return signDigestDer(pkcs8, input.digest);
    });
  }

  verifyPin(purpose: DeviceKeyPurpose, pin: string): Promise<void> {
    return this.#withPin(purpose, pin, async () => {});
  }

  changePin(purpose: DeviceKeyPurpose, oldPin: string, newPin: string): Promise<void> {
    try {
      assertPinFormat(purpose, newPin);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#withPin(purpose, oldPin, (pkcs8) => this.#setPin(purpose, newPin, pkcs8));
  }

  unblockPin(purpose: DeviceKeyPurpose, puk: string, newPin: string): Promise<void> {
    return this.#serial(async () => {
      assertPukFormat(puk);
      assertPinFormat(purpose, newPin);
      const left = this.#record.puk.triesLeft;
      if (left <= 0) throw new DeviceError('PUK_BLOCKED', 'the PUK is blocked');
      await this.#commit((r) => {
        r.puk.triesLeft = left - 1;
      });
      const ok = await checkVerifier(
        this.#record.verifierKey,
        this.#record.puk.verifier,
        puk,
        'puk',
      );
      if (!ok) {
        throw wrongPukError(left - 1);
      }
      let pkcs8: Uint8Array | undefined;
      if (purpose === 'sign') {
        pkcs8 = await openSecret(
          this.#record.sign.underPuk,
          puk,
          `${WEBCRYPTO_KEY_STORE_FORMAT}/sign/puk`,
        );
        if (!pkcs8) throw new DeviceError('STATE_INVALID', 'the signing key did not open');
      }
      try {
        await this.#setPin(purpose, newPin, pkcs8);
        await this.#commit((r) => {
          r.puk.triesLeft = PUK_TRIES;
        });
      } finally {
        pkcs8?.fill(0);
      }
    });
  }

  async #setPin(purpose: DeviceKeyPurpose, pin: string, pkcs8: Uint8Array | undefined) {
    if (purpose === 'auth') {
      const verifier = await makeVerifier(
        this.#record.verifierKey,
        pin,
        'pin1',
        this.#record.auth.pin.iterations,
      );
      await this.#commit((r) => {
        r.auth.pin = verifier;
        r.auth.triesLeft = PIN_TRIES;
      });
      return;
    }
    if (!pkcs8) throw new DeviceError('STATE_INVALID', 'the signing key did not open');
    const underPin = await sealSecret(
      pkcs8,
      pin,
      `${WEBCRYPTO_KEY_STORE_FORMAT}/sign/pin`,
      this.#record.sign.underPin.iterations,
    );
    await this.#commit((r) => {
      r.sign.underPin = underPin;
      r.sign.triesLeft = PIN_TRIES;
    });
  }

  /**
   * Check the PIN of a key, counting the try first (saved before the check, so closing the page
   * cannot undo it), and run `use` with the opened signing key (PIN2) when it was right.
   */
  #withPin<T>(
    purpose: DeviceKeyPurpose,
    pin: string,
    use: (pkcs8: Uint8Array | undefined) => Promise<T>,
  ): Promise<T> {
    return this.#serial(async () => {
      assertPinFormat(purpose, pin);
      const name = pinName(purpose);
      const left = this.#record[purpose].triesLeft;
      if (left <= 0) throw new DeviceError('PIN_BLOCKED', `${name} is blocked`, { triesLeft: 0 });
      await this.#commit((r) => {
        r[purpose].triesLeft = left - 1;
      });
      let pkcs8: Uint8Array | undefined;
      let ok: boolean;
      if (purpose === 'auth') {
        ok = await checkVerifier(this.#record.verifierKey, this.#record.auth.pin, pin, 'pin1');
      } else {
        pkcs8 = await openSecret(
          this.#record.sign.underPin,
          pin,
          `${WEBCRYPTO_KEY_STORE_FORMAT}/sign/pin`,
        );
        ok = pkcs8 !== undefined;
      }
      if (!ok) {
        throw wrongPinError(purpose, left - 1);
      }
      try {
        await this.#commit((r) => {
          r[purpose].triesLeft = PIN_TRIES;
        });
        return await use(pkcs8);
      } finally {
        pkcs8?.fill(0);
      }
    });
  }

  /** Apply a change to a copy (CryptoKeys shared, not copied), save it, then adopt it. */
  async #commit(change: (record: WebCryptoKeyStoreRecord) => void): Promise<void> {
    const r = this.#record;
    const next: WebCryptoKeyStoreRecord = {
      ...r,
      auth: { ...r.auth, pin: { ...r.auth.pin } },
      sign: { ...r.sign },
      puk: { ...r.puk },
    };
    change(next);
    await this.#save(next);
    this.#record = next;
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => {});
    return run;
  }
}
