import { createHash, createPublicKey, verify } from 'node:crypto';
import { encodeAuthSignedDataOf, type PendingRequest, verificationCode } from '@openmid/protocol';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.js';
import { createApproval } from './device-answer.js';
import type { KeyStore } from './key-store.js';
import { SoftwareKeyStore } from './software-key-store.js';

const challenge = new Uint8Array(createHash('sha256').update('challenge').digest());

async function store(): Promise<KeyStore> {
  const provisioning = await SoftwareKeyStore.provision({
    pin1: '1234',
    pin2: '12345',
    kdfIterations: 1_000,
  });
  return provisioning.complete('87654321');
}

async function authRequest(extra: Partial<PendingRequest> = {}): Promise<PendingRequest> {
  return {
    sessionId: 'session-1',
    type: 'auth',
    clientId: 'client-1',
    rpName: 'Tax portal',
    verificationCode: await verificationCode(challenge),
    displayText: 'Log in to the tax portal',
    hash: encodeBase64(challenge),
    hashType: 'SHA256',
    key: 'auth',
    flow: 'notification',
    expiresAt: '2030-01-01T00:00:00Z',
    ...extra,
  };
}

async function verifies(
  keyStore: KeyStore,
  purpose: 'auth' | 'sign',
  hash: string,
  data: Uint8Array,
  signature: string,
) {
  const key = createPublicKey({ key: await keyStore.publicJwk(purpose), format: 'jwk' });
  return verify(hash, data, { key, dsaEncoding: 'der' }, decodeBase64(signature));
}

describe('createApproval (SPEC §4.3 signatures)', () => {
  it('signs the canonical auth signedData with the auth key', async () => {
    const keyStore = await store();
    const request = await authRequest({ claims: ['given_name', 'birthdate'] });
    const answer = await createApproval(keyStore, request, '1234', {
      approvedClaims: ['given_name', 'not_asked'],
    });
    expect(answer).toMatchObject({ decision: 'approve', approvedClaims: ['given_name'] });
    const signedData = encodeAuthSignedDataOf(request);
    expect(await verifies(keyStore, 'auth', 'sha256', signedData, answer.signature ?? '')).toBe(
      true,
    );
  });

  it('binds the picked code when the RP offered a choice', async () => {
    const keyStore = await store();
    const request = await authRequest({
      verificationCode: undefined,
      vcChoices: ['0001', '0002', '0003'],
    });
    await expect(createApproval(keyStore, request, '1234')).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
    });
    await expect(
      createApproval(keyStore, request, '1234', { pickedCode: '9999' }),
    ).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
    });
    const answer = await createApproval(keyStore, request, '1234', { pickedCode: '0002' });
    expect(answer.pickedCode).toBe('0002');
    const signedData = encodeAuthSignedDataOf(request, '0002');
    expect(await verifies(keyStore, 'auth', 'sha256', signedData, answer.signature ?? '')).toBe(
      true,
    );
  });

  it('signs the RP digest itself with the sign key', async () => {
    const keyStore = await store();
    const document = new TextEncoder().encode('contract');
    const digest = createHash('sha384').update(document).digest();
    const request = await authRequest({
      type: 'sign',
      key: 'sign',
      hash: digest.toString('base64'),
      hashType: 'SHA384',
    });
    const answer = await createApproval(keyStore, request, '12345');
    expect(await verifies(keyStore, 'sign', 'sha384', document, answer.signature ?? '')).toBe(true);
  });

  it('checks PIN2 for a certificate choice and signs nothing', async () => {
    const keyStore = await store();
    const request = await authRequest({ type: 'certificate-choice', key: 'sign', hash: undefined });
    expect(await createApproval(keyStore, request, '12345')).toEqual({ decision: 'approve' });
    await expect(createApproval(keyStore, request, '00000')).rejects.toMatchObject({
      code: 'PIN_INVALID',
      triesLeft: 2,
    });
  });

  it('refuses a request that names the wrong key or a digest of the wrong length', async () => {
    const keyStore = await store();
    await expect(
      createApproval(keyStore, await authRequest({ key: 'sign' }), '12345'),
    ).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
    const short = await authRequest({ type: 'sign', key: 'sign', hashType: 'SHA512' });
    await expect(createApproval(keyStore, short, '12345')).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
    });
    const notBase64 = await authRequest({ type: 'sign', key: 'sign', hash: '***' });
    await expect(createApproval(keyStore, notBase64, '12345')).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
    });
    expect((await keyStore.pinCounters()).pin2.triesLeft).toBe(3);
  });
});
