import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createDeviceProof } from './device-proof.js';
import { SoftwareKeyStore } from './software-key-store.js';

describe('device proof (RFC 9449 shape, protocol/src/device-api.ts)', () => {
  it('is an ES256 dpop+jwt with the device key embedded, bound to method and URL', async () => {
    const provisioning = await SoftwareKeyStore.provision({
      pin1: '1234',
      pin2: '12345',
      kdfIterations: 1_000,
    });
    const store = await provisioning.complete('87654321');
    const publicJwk = await store.devicePublicJwk();
    const proof = await createDeviceProof({
      key: await store.deviceSigningKey(),
      publicJwk,
      method: 'get',
      url: 'https://mid.example/device/v1/requests?timeoutMs=25000#x',
      iat: 1_800_000_000,
    });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(1_800_000_000_000),
    });
    expect(protectedHeader.jwk).toEqual(publicJwk);
    expect(protectedHeader.jwk).not.toHaveProperty('d');
    expect(payload).toMatchObject({
      htm: 'GET',
      htu: 'https://mid.example/device/v1/requests',
      iat: 1_800_000_000,
    });
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await calculateJwkThumbprint(publicJwk)).toBe(
      await calculateJwkThumbprint(decodeProtectedHeader(proof).jwk ?? {}),
    );
  });

  it('carries a fresh jti every time', async () => {
    const { privateKey, publicKey } = await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign', 'verify'],
    );
    const publicJwk = await crypto.subtle.exportKey('jwk', publicKey);
    const jtis = new Set<unknown>();
    for (let i = 0; i < 20; i++) {
      const proof = await createDeviceProof({
        key: privateKey,
        publicJwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y },
        method: 'POST',
        url: 'http://127.0.0.1:1/device/v1/events',
      });
      const { payload } = await jwtVerify(proof, EmbeddedJWK);
      jtis.add(payload.jti);
    }
    expect(jtis.size).toBe(20);
  });
});
