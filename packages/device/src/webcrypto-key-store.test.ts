import { createPublicKey, createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyStore } from './key-store.js';
import { WebCryptoKeyStore, type WebCryptoKeyStoreRecord } from './webcrypto-key-store.js';

async function makeStore() {
  const saved: WebCryptoKeyStoreRecord[] = [];
  const save = (r: WebCryptoKeyStoreRecord) => {
    // IndexedDB keeps a structured clone: CryptoKey objects survive it.
    saved.push(structuredClone(r));
  };
  const provisioning = await WebCryptoKeyStore.provision({
    pin1: '1234',
    pin2: '12345',
    kdfIterations: 2,
    save,
  });
  const csr = await provisioning.createCsr('auth');
  const store = await provisioning.complete('PUK-1234-5678');
  return { store, saved, save, csr };
}

function verifyDer(store: KeyStore, purpose: 'auth' | 'sign', data: Uint8Array, sig: Uint8Array) {
  return store.publicJwk(purpose).then((jwk) => {
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    return createVerify('sha256').update(data).verify(key, Buffer.from(sig));
  });
}

describe('WebCryptoKeyStore', () => {
  it('keeps the device and authentication keys non-extractable', async () => {
    const { saved, csr } = await makeStore();
    expect(csr.length).toBeGreaterThan(100);
    const record = saved.at(-1) as WebCryptoKeyStoreRecord;
    expect(record.device.privateKey.extractable).toBe(false);
    expect(record.auth.privateKey.extractable).toBe(false);
    expect(record.verifierKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', record.auth.privateKey)).rejects.toThrow();
    // Nothing in the record is a private JWK or a PKCS#8 in the clear.
    const json = JSON.stringify(record, (_k, v) => (v instanceof CryptoKey ? 'CryptoKey' : v));
    expect(json).not.toMatch(/"d":/);
    expect(json).not.toContain('MIGHAgEAMBMG');
  });

  it('signs with the right PIN, counts wrong ones, blocks, and unblocks with the PUK', async () => {
    const { store, saved, save } = await makeStore();
    const data = new TextEncoder().encode('signed data');
    const sig = await store.sign('auth', '1234', { data });
    expect(await verifyDer(store, 'auth', data, sig)).toBe(true);

    await expect(store.sign('auth', '0000', { data })).rejects.toMatchObject({
      code: 'PIN_INVALID',
      triesLeft: 2,
    });
    // The counter persists: a store re-opened from the saved record remembers it.
    const reopened = WebCryptoKeyStore.open(saved.at(-1), { save });
    expect((await reopened.pinCounters()).pin1.triesLeft).toBe(2);
    await expect(reopened.sign('auth', '0000', { data })).rejects.toMatchObject({ triesLeft: 1 });
    await expect(reopened.sign('auth', '0000', { data })).rejects.toMatchObject({
      code: 'PIN_BLOCKED',
    });
    await expect(reopened.sign('auth', '1234', { data })).rejects.toMatchObject({
      code: 'PIN_BLOCKED',
    });
    await expect(reopened.unblockPin('auth', 'PUK-0000-0000', '4321')).rejects.toMatchObject({
      code: 'PUK_INVALID',
      triesLeft: 9,
    });
    await reopened.unblockPin('auth', 'PUK-1234-5678', '4321');
    expect(await reopened.pinCounters()).toMatchObject({
      pin1: { triesLeft: 3, blocked: false },
      puk: { triesLeft: 10 },
    });
    await reopened.sign('auth', '4321', { data });
  });

  it('signs a ready digest with PIN2 and re-seals it on a PIN change and a PUK unblock', async () => {
    const { store } = await makeStore();
    const data = new TextEncoder().encode('document');
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    const sig = await store.sign('sign', '12345', { digest });
    expect(await verifyDer(store, 'sign', data, sig)).toBe(true);
    await expect(store.sign('auth', '1234', { digest })).rejects.toMatchObject({
      code: 'KEY_USAGE',
    });
    await store.changePin('sign', '12345', '54321');
    await expect(store.verifyPin('sign', '12345')).rejects.toMatchObject({ code: 'PIN_INVALID' });
    await store.unblockPin('sign', 'PUK-1234-5678', '99999');
    expect(
      await verifyDer(store, 'sign', data, await store.sign('sign', '99999', { digest })),
    ).toBe(true);
  });
});
