import type { DeviceKeyPurpose } from '@openmid/protocol';
import type { JWK } from 'jose';
import { createCsr } from './csr.js';
import { DeviceError } from './device-error.js';
import { signDataDer, signDigestDer } from './ecdsa-signature.js';
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
import { DEFAULT_KDF_ITERATIONS, openSecret, sealSecret } from './sealed-secret.js';
import {
  parseSoftwareKeyStoreState,
  type SealedKeyState,
  SOFTWARE_KEY_STORE_FORMAT,
  type SoftwareKeyStoreState,
} from './software-key-store-state.js';

export interface SoftwareKeyStoreOptions {
  /**
   * Called with the new state after every change, before the change takes effect: a wrong try
   * is saved before the key is tried, so killing the process cannot undo a counted try.
   */
  save?: (state: SoftwareKeyStoreState) => Promise<void> | void;
}

export interface ProvisionOptions {
  pin1: string;
  pin2: string;
  /** PBKDF2 iterations (default and floor for real use: 600,000; tests may lower it). */
  kdfIterations?: number;
  /** Label written into the CSRs' subject. */
  csrSubject?: (purpose: DeviceKeyPurpose) => string;
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const PURPOSES = ['auth', 'sign'] as const satisfies readonly DeviceKeyPurpose[];

function label(purpose: DeviceKeyPurpose, under: 'pin' | 'puk'): string {
  return `${SOFTWARE_KEY_STORE_FORMAT}/${purpose}/${under}`;
}

/**
 * The software key store of DESIGN §4: each PIN-protected key is kept as PKCS#8 sealed under a
 * PIN-derived key and once more under the PUK (sealed-secret.ts); the device key is kept in
 * the clear, since it must sign without a PIN. See docs/device-sdk.md for its threat model.
 */
export class SoftwareKeyStore implements KeyStore {
  readonly kind = 'software' as const;
  #state: SoftwareKeyStoreState;
  readonly #save: (state: SoftwareKeyStoreState) => Promise<void> | void;
  #deviceKey: Promise<CryptoKey> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(state: SoftwareKeyStoreState, options: SoftwareKeyStoreOptions) {
    this.#state = state;
    this.#save = options.save ?? (() => {});
  }

  /**
   * Make the three keys for an activation. `complete(puk)` returns the store; persist its
   * `state()` then (later changes go through `save`).
   */
  static async provision(
    options: ProvisionOptions & SoftwareKeyStoreOptions,
  ): Promise<KeyProvisioning> {
    assertPinFormat('auth', options.pin1);
    assertPinFormat('sign', options.pin2);
    const iterations = options.kdfIterations ?? DEFAULT_KDF_ITERATIONS;
    if (!Number.isSafeInteger(iterations) || iterations < 1) {
      throw new TypeError('kdfIterations must be a positive integer');
    }
    const generate = () => crypto.subtle.generateKey(P256, true, ['sign', 'verify']);
    const [device, auth, sign] = await Promise.all([generate(), generate(), generate()]);
    const pairs = { auth, sign };
    const pins = { auth: options.pin1, sign: options.pin2 };
    const subject =
      options.csrSubject ?? ((purpose: DeviceKeyPurpose) => `CN=OpenMID ${purpose} key`);
    let completed = false;
    return {
      kind: 'software',
      devicePublicJwk: () => crypto.subtle.exportKey('jwk', device.publicKey) as Promise<JWK>,
      deviceSigningKey: async () => device.privateKey,
      createCsr: (purpose) => createCsr(pairs[purpose], subject(purpose)),
      complete: async (puk) => {
        assertPukFormat(puk);
        if (completed) throw new TypeError('the provisioning is already complete');
        completed = true;
        const keys = {} as Record<DeviceKeyPurpose, SealedKeyState>;
        for (const purpose of PURPOSES) {
          const pkcs8 = new Uint8Array(
            await crypto.subtle.exportKey('pkcs8', pairs[purpose].privateKey),
          );
          try {
            keys[purpose] = {
              publicJwk: publicOnly(await crypto.subtle.exportKey('jwk', pairs[purpose].publicKey)),
              underPin: await sealSecret(pkcs8, pins[purpose], label(purpose, 'pin'), iterations),
              underPuk: await sealSecret(pkcs8, puk, label(purpose, 'puk'), iterations),
              triesLeft: PIN_TRIES,
            };
          } finally {
            pkcs8.fill(0);
          }
        }
        const state: SoftwareKeyStoreState = {
          format: SOFTWARE_KEY_STORE_FORMAT,
          deviceKey: (await crypto.subtle.exportKey('jwk', device.privateKey)) as JWK,
          keys,
          puk: { triesLeft: PUK_TRIES },
        };
        return new SoftwareKeyStore(state, options);
      },
    };
  }

  /** Re-open a store from its saved state (throws STATE_INVALID when it is not one). */
  static fromState(state: unknown, options: SoftwareKeyStoreOptions = {}): SoftwareKeyStore {
    return new SoftwareKeyStore(clone(parseSoftwareKeyStoreState(state)), options);
  }

  /** A copy of the current state, to persist. */
  state(): SoftwareKeyStoreState {
    return clone(this.#state);
  }

  async devicePublicJwk(): Promise<JWK> {
    return publicOnly(this.#state.deviceKey);
  }

  deviceSigningKey(): Promise<CryptoKey> {
    this.#deviceKey ??= crypto.subtle.importKey('jwk', this.#state.deviceKey, P256, false, [
      'sign',
    ]);
    return this.#deviceKey;
  }

  async publicJwk(purpose: DeviceKeyPurpose): Promise<JWK> {
    return { ...this.#state.keys[purpose].publicJwk };
  }

  async pinCounters(): Promise<PinCounters> {
    const counter = (triesLeft: number) => ({ triesLeft, blocked: triesLeft <= 0 });
    return {
      pin1: counter(this.#state.keys.auth.triesLeft),
      pin2: counter(this.#state.keys.sign.triesLeft),
      puk: counter(this.#state.puk.triesLeft),
    };
  }

  sign(purpose: DeviceKeyPurpose, pin: string, input: SignInput): Promise<Uint8Array> {
    const refused = signInputError(purpose, input);
    if (refused) return Promise.reject(refused);
    return this.#withKey(purpose, pin, (pkcs8) =>
      'data' in input ? signDataDer(pkcs8, input.data) : signDigestDer(pkcs8, input.digest),
    );
  }

  verifyPin(purpose: DeviceKeyPurpose, pin: string): Promise<void> {
    return this.#withKey(purpose, pin, async () => {});
  }

  changePin(purpose: DeviceKeyPurpose, oldPin: string, newPin: string): Promise<void> {
    try {
      assertPinFormat(purpose, newPin);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#withKey(purpose, oldPin, async (pkcs8) => {
      const sealed = this.#state.keys[purpose].underPin;
      const underPin = await sealSecret(pkcs8, newPin, label(purpose, 'pin'), sealed.iterations);
      await this.#commit((state) => {
        state.keys[purpose].underPin = underPin;
        state.keys[purpose].triesLeft = PIN_TRIES;
      });
    });
  }

  unblockPin(purpose: DeviceKeyPurpose, puk: string, newPin: string): Promise<void> {
    return this.#serial(async () => {
      assertPukFormat(puk);
      assertPinFormat(purpose, newPin);
      const left = this.#state.puk.triesLeft;
      if (left <= 0) throw new DeviceError('PUK_BLOCKED', 'the PUK is blocked');
      await this.#commit((state) => {
        state.puk.triesLeft = left - 1;
      });
      const key = this.#state.keys[purpose];
      const pkcs8 = await openSecret(key.underPuk, puk, label(purpose, 'puk'));
      if (!pkcs8) {
        throw wrongPukError(left - 1);
      }
      try {
        const underPin = await sealSecret(
          pkcs8,
          newPin,
          label(purpose, 'pin'),
          key.underPin.iterations,
        );
        await this.#commit((state) => {
          state.puk.triesLeft = PUK_TRIES;
          state.keys[purpose].underPin = underPin;
          state.keys[purpose].triesLeft = PIN_TRIES;
        });
      } finally {
        pkcs8.fill(0);
      }
    });
  }

  /**
   * Open the key behind the PIN and hand its PKCS#8 to `use`; the try is counted (and saved)
   * first and given back only when the PIN was right.
   */
  #withKey<T>(
    purpose: DeviceKeyPurpose,
    pin: string,
    use: (pkcs8: Uint8Array) => Promise<T>,
  ): Promise<T> {
    return this.#serial(async () => {
      assertPinFormat(purpose, pin);
      const name = pinName(purpose);
      const left = this.#state.keys[purpose].triesLeft;
      if (left <= 0) throw new DeviceError('PIN_BLOCKED', `${name} is blocked`, { triesLeft: 0 });
      await this.#commit((state) => {
        state.keys[purpose].triesLeft = left - 1;
      });
      const pkcs8 = await openSecret(
        this.#state.keys[purpose].underPin,
        pin,
        label(purpose, 'pin'),
      );
      if (!pkcs8) {
        throw wrongPinError(purpose, left - 1);
      }
      try {
        await this.#commit((state) => {
          state.keys[purpose].triesLeft = PIN_TRIES;
        });
        return await use(pkcs8);
      } finally {
        pkcs8.fill(0);
      }
    });
  }

  /** Apply a change to a copy, save it, then adopt it: the saved state never lags behind. */
  async #commit(change: (state: SoftwareKeyStoreState) => void): Promise<void> {
    const next = clone(this.#state);
    change(next);
    await this.#save(clone(next));
    this.#state = next;
  }

  /** One PIN operation at a time, so concurrent calls cannot race the counters. */
  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function publicOnly(jwk: JsonWebKey | JWK): JWK {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    throw new DeviceError('STATE_INVALID', 'not a P-256 key');
  }
  return { kty, crv, x, y };
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
