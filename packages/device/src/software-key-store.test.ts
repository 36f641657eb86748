import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.js';
import { DeviceError } from './device-error.js';
import type { KeyStore } from './key-store.js';
import { PIN_TRIES, PUK_TRIES } from './pin-policy.js';
import { DEFAULT_KDF_ITERATIONS, openSecret } from './sealed-secret.js';
import { SoftwareKeyStore } from './software-key-store.js';
import type { SoftwareKeyStoreState } from './software-key-store-state.js';

const PIN1 = '1234';
const PIN2 = '12345';
const PUK = '87654321';
/** Low PBKDF2 cost for speed; one test below checks the real default. */
const FAST = { kdfIterations: 1_000 };

async function makeStore(saved: SoftwareKeyStoreState[] = []) {
  const provisioning = await SoftwareKeyStore.provision({ pin1: PIN1, pin2: PIN2, ...FAST });
  const store = (await provisioning.complete(PUK)) as SoftwareKeyStore;
  return SoftwareKeyStore.fromState(store.state(), { save: (state) => void saved.push(state) });
}

async function rejection(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

async function verifies(
  store: KeyStore,
  purpose: 'auth' | 'sign',
  hash: string,
  data: Uint8Array,
  signature: Uint8Array,
) {
  const key = createPublicKey({ key: await store.publicJwk(purpose), format: 'jwk' });
  return verify(hash, data, { key, dsaEncoding: 'der' }, signature);
}

const signedData = new TextEncoder().encode('{"type":"auth","v":1}');

describe('SoftwareKeyStore — PIN policy (SPEC F6, DESIGN §4)', () => {
  it('signs signedData with the auth key behind PIN1, as DER that node:crypto verifies', async () => {
    const store = await makeStore();
    const signature = await store.sign('auth', PIN1, { data: signedData });
    expect(signature[0]).toBe(0x30);
    expect(await verifies(store, 'auth', 'sha256', signedData, signature)).toBe(true);
    expect(await verifies(store, 'sign', 'sha256', signedData, signature)).toBe(false);
  });

  it('signs a ready SHA-256/384/512 digest with the sign key behind PIN2', async () => {
    const store = await makeStore();
    const document = new TextEncoder().encode('a document');
    for (const hash of ['sha256', 'sha384', 'sha512']) {
      const digest = createHash(hash).update(document).digest();
      const signature = await store.sign('sign', PIN2, { digest: new Uint8Array(digest) });
      expect(await verifies(store, 'sign', hash, document, signature)).toBe(true);
    }
  });

  it('refuses to sign a digest with the auth key or data with the sign key', async () => {
    const store = await makeStore();
    const digest = new Uint8Array(32);
    expect((await rejection(store.sign('auth', PIN1, { digest }))).code).toBe('KEY_USAGE');
    expect((await rejection(store.sign('sign', PIN2, { data: signedData }))).code).toBe(
      'KEY_USAGE',
    );
    expect((await rejection(store.sign('sign', PIN2, { digest: new Uint8Array(20) }))).code).toBe(
      'KEY_USAGE',
    );
    expect((await store.pinCounters()).pin1.triesLeft).toBe(PIN_TRIES);
  });

  it('counts wrong PINs, blocks the key at the third and then refuses even the right PIN', async () => {
    const store = await makeStore();
    const first = await rejection(store.sign('auth', '0000', { data: signedData }));
    expect([first.code, first.triesLeft]).toEqual(['PIN_INVALID', 2]);
    const second = await rejection(store.verifyPin('auth', '9999'));
    expect([second.code, second.triesLeft]).toEqual(['PIN_INVALID', 1]);
    const third = await rejection(store.sign('auth', '1111', { data: signedData }));
    expect([third.code, third.justBlocked]).toEqual(['PIN_BLOCKED', true]);
    const after = await rejection(store.sign('auth', PIN1, { data: signedData }));
    expect([after.code, after.justBlocked]).toEqual(['PIN_BLOCKED', false]);
    expect(await store.pinCounters()).toEqual({
      pin1: { triesLeft: 0, blocked: true },
      pin2: { triesLeft: PIN_TRIES, blocked: false },
      puk: { triesLeft: PUK_TRIES, blocked: false },
    });
  });

  it('gives the tries back when the right PIN follows a wrong one', async () => {
    const store = await makeStore();
    await rejection(store.verifyPin('sign', '00000'));
    await rejection(store.verifyPin('sign', '00001'));
    await store.verifyPin('sign', PIN2);
    expect((await store.pinCounters()).pin2).toEqual({ triesLeft: PIN_TRIES, blocked: false });
  });

  it('saves the counted try before it tries the key, so a killed process cannot undo it', async () => {
    const saved: SoftwareKeyStoreState[] = [];
    const store = await makeStore(saved);
    await store.verifyPin('auth', PIN1);
    expect(saved.map((s) => s.keys.auth.triesLeft)).toEqual([2, 3]);
    saved.length = 0;
    await rejection(store.verifyPin('auth', '0000'));
    expect(saved.map((s) => s.keys.auth.triesLeft)).toEqual([2]);
  });

  it('does not count a PIN that breaks the format (digits, 4–12 for PIN1, 5–12 for PIN2)', async () => {
    const store = await makeStore();
    for (const pin of ['123', 'abcd', '1234567890123', '12 34']) {
      expect((await rejection(store.verifyPin('auth', pin))).code).toBe('PIN_FORMAT');
    }
    expect((await rejection(store.verifyPin('sign', '1234'))).code).toBe('PIN_FORMAT');
    expect((await store.pinCounters()).pin1.triesLeft).toBe(PIN_TRIES);
    await expect(SoftwareKeyStore.provision({ pin1: '12', pin2: PIN2 })).rejects.toMatchObject({
      code: 'PIN_FORMAT',
    });
  });

  it('counts concurrent wrong tries one after the other', async () => {
    const store = await makeStore();
    const results = await Promise.allSettled([
      store.verifyPin('auth', '0000'),
      store.verifyPin('auth', '0001'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await store.pinCounters()).pin1.triesLeft).toBe(1);
  });

  it('changes a PIN with the old one; the old one stops working', async () => {
    const store = await makeStore();
    await store.changePin('auth', PIN1, '5555');
    await store.verifyPin('auth', '5555');
    expect((await rejection(store.verifyPin('auth', PIN1))).code).toBe('PIN_INVALID');
    const wrongOld = await rejection(store.changePin('sign', '00000', '55555'));
    expect([wrongOld.code, wrongOld.triesLeft]).toEqual(['PIN_INVALID', 2]);
    expect((await rejection(store.changePin('sign', PIN2, '12'))).code).toBe('PIN_FORMAT');
  });
});

describe('SoftwareKeyStore — PUK (SPEC F6)', () => {
  async function blockedStore() {
    const store = await makeStore();
    for (const pin of ['0000', '0001', '0002']) await rejection(store.verifyPin('auth', pin));
    return store;
  }

  it('unblocks a blocked key and sets the new PIN', async () => {
    const store = await blockedStore();
    await store.unblockPin('auth', PUK, '4321');
    const signature = await store.sign('auth', '4321', { data: signedData });
    expect(await verifies(store, 'auth', 'sha256', signedData, signature)).toBe(true);
    expect((await rejection(store.verifyPin('auth', PIN1))).code).toBe('PIN_INVALID');
  });

  it('counts wrong PUKs on their own counter and resets it on success', async () => {
    const store = await blockedStore();
    const wrong = await rejection(store.unblockPin('auth', '11111111', '4321'));
    expect([wrong.code, wrong.triesLeft]).toEqual(['PUK_INVALID', PUK_TRIES - 1]);
    expect((await store.pinCounters()).puk.triesLeft).toBe(PUK_TRIES - 1);
    expect((await store.pinCounters()).pin1.blocked).toBe(true);
    await store.unblockPin('auth', PUK, '4321');
    expect((await store.pinCounters()).puk.triesLeft).toBe(PUK_TRIES);
  });

  it('blocks the PUK for good after its last try', async () => {
    const store = await blockedStore();
    let last: DeviceError | undefined;
    for (let i = 0; i < PUK_TRIES; i++)
      last = await rejection(store.unblockPin('auth', `9999000${i}`, '4321'));
    expect([last?.code, last?.justBlocked]).toEqual(['PUK_BLOCKED', true]);
    expect((await rejection(store.unblockPin('auth', PUK, '4321'))).code).toBe('PUK_BLOCKED');
    expect((await store.pinCounters()).puk).toEqual({ triesLeft: 0, blocked: true });
    await store.verifyPin('sign', PIN2);
  });
});

describe('SoftwareKeyStore — state', () => {
  it('round-trips through JSON and keeps its counters and keys', async () => {
    const store = await makeStore();
    await rejection(store.verifyPin('sign', '00000'));
    const reopened = SoftwareKeyStore.fromState(JSON.parse(JSON.stringify(store.state())));
    expect(await reopened.pinCounters()).toEqual(await store.pinCounters());
    expect(await reopened.publicJwk('auth')).toEqual(await store.publicJwk('auth'));
    expect(await reopened.devicePublicJwk()).toEqual(await store.devicePublicJwk());
    const signature = await reopened.sign('auth', PIN1, { data: signedData });
    expect(await verifies(store, 'auth', 'sha256', signedData, signature)).toBe(true);
  });

  it('keeps the PIN keys only sealed: not readable without the PIN or the PUK', async () => {
    const store = await makeStore();
    const state = store.state();
    const text = JSON.stringify(state);
    for (const purpose of ['auth', 'sign'] as const) {
      const label = `openmid.software-key-store.v1/${purpose}`;
      const pin = purpose === 'auth' ? PIN1 : PIN2;
      expect(
        await openSecret(state.keys[purpose].underPin, '0000', `${label}/pin`),
      ).toBeUndefined();
      expect(await openSecret(state.keys[purpose].underPuk, PIN1, `${label}/puk`)).toBeUndefined();
      // the right PIN under the other slot's label does not open it either
      expect(await openSecret(state.keys[purpose].underPin, pin, `${label}/puk`)).toBeUndefined();
      const pkcs8 = await openSecret(state.keys[purpose].underPin, pin, `${label}/pin`);
      const viaPuk = await openSecret(state.keys[purpose].underPuk, PUK, `${label}/puk`);
      expect(pkcs8).toBeDefined();
      expect(viaPuk).toEqual(pkcs8);
      const key = await crypto.subtle.importKey(
        'pkcs8',
        new Uint8Array(pkcs8 ?? []),
        { name: 'ECDSA', namedCurve: 'P-256' },
        true,
        ['sign'],
      );
      const { d } = await crypto.subtle.exportKey('jwk', key);
      expect(text).not.toContain(d);
      expect(text).not.toContain(encodeBase64(pkcs8 ?? new Uint8Array()));
      expect(decodeBase64(state.keys[purpose].underPin.salt)).toHaveLength(16);
    }
    expect(text).not.toContain(PUK);
  });

  it('seals with PBKDF2-SHA256 at 600,000 iterations by default', async () => {
    const provisioning = await SoftwareKeyStore.provision({ pin1: PIN1, pin2: PIN2 });
    const store = (await provisioning.complete(PUK)) as SoftwareKeyStore;
    const { keys } = store.state();
    expect(DEFAULT_KDF_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    for (const sealed of [keys.auth.underPin, keys.auth.underPuk, keys.sign.underPin]) {
      expect(sealed).toMatchObject({ kdf: 'PBKDF2-SHA256', iterations: DEFAULT_KDF_ITERATIONS });
    }
  });

  it('refuses a state that is not one, with STATE_INVALID', async () => {
    const good = (await makeStore()).state();
    const bad: unknown[] = [
      null,
      'x',
      { ...good, format: 'other' },
      { ...good, puk: { triesLeft: 11 } },
      { ...good, keys: { auth: good.keys.auth } },
      { ...good, deviceKey: { ...good.deviceKey, crv: 'P-384' } },
      { ...good, keys: { ...good.keys, sign: { ...good.keys.sign, triesLeft: -1 } } },
    ];
    for (const state of bad) {
      expect(() => SoftwareKeyStore.fromState(state)).toThrow(
        expect.objectContaining({ code: 'STATE_INVALID' }),
      );
    }
  });
});
