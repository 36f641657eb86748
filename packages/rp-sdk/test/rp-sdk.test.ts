import 'reflect-metadata';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../../server/test/support/admin.js';
import { openssl, tempDir, writePem } from '../../server/test/support/pki.js';
import {
  activatedPerson,
  PIN1,
  PIN2,
  registerClient,
  type TestClient,
  type TestDevice,
} from '../../server/test/support/rp.js';
import { startTestNode, type TestNode } from '../../server/test/support/test-node.js';
import { OpenMidClient, VerificationError, verifyResult } from '../src/index.js';

/** The RP SDK against the real server: it accepts what is right and refuses every forgery. */
describe('rp-sdk', () => {
  let node: TestNode;
  let rp: TestClient;
  let other: TestClient;
  let citizen: TestDevice;
  let client: OpenMidClient;
  let anchors: { issuing: string; root: string };

  beforeAll(async () => {
    node = await startTestNode({ env: { SESSION_PERSON_LIMIT_PER_MINUTE: '1000' } });
    rp = await registerClient(node);
    other = await registerClient(node);
    citizen = await activatedPerson(node);
    anchors = {
      issuing: await (await node.request('/pki/ca.pem')).text(),
      root: await (await node.request('/pki/root.pem')).text(),
    };
    client = new OpenMidClient({
      baseUrl: node.url,
      clientId: rp.clientId,
      clientSecret: rp.clientSecret,
      anchors,
    });
  });
  afterAll(async () => {
    await node?.stop();
  });

  const answer = async (pin: string) => {
    const [request] = await citizen.device.pendingRequests({ timeoutMs: 5000 });
    if (!request) throw new Error('no request reached the phone');
    await citizen.device.approve(request, pin);
  };

  it('authenticates and verifies chain, OCSP, signedData binding and signature', async () => {
    const started = await client.startAuthentication({
      subject: { nationalId: citizen.nationalId },
    });
    const [done] = await Promise.all([client.completeAuthentication(started), answer(PIN1)]);
    expect(done.sub).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(done.sub).not.toContain(citizen.nationalId);
  });

  it('refuses a result replayed to another RP or for another challenge', async () => {
    const started = await client.startAuthentication({
      subject: { nationalId: citizen.nationalId },
    });
    const [done] = await Promise.all([client.completeAuthentication(started), answer(PIN1)]);
    const base = { kind: 'auth' as const, anchors, verificationCode: started.verificationCode };
    await expect(
      verifyResult(done.result, { ...base, clientId: other.clientId, hash: started.challenge }),
    ).rejects.toMatchObject({ code: 'binding_mismatch' });
    await expect(
      verifyResult(done.result, { ...base, clientId: rp.clientId, hash: new Uint8Array(32) }),
    ).rejects.toBeInstanceOf(VerificationError);
    const forged = {
      ...done.result,
      signature: { ...done.result.signature!, value: Buffer.alloc(70, 1).toString('base64') },
    };
    await expect(
      verifyResult(forged, { ...base, clientId: rp.clientId, hash: started.challenge }),
    ).rejects.toBeInstanceOf(VerificationError);
    const otherCa = { issuing: anchors.root, root: anchors.root };
    await expect(
      verifyResult(done.result, {
        ...base,
        anchors: otherCa,
        clientId: rp.clientId,
        hash: started.challenge,
      }),
    ).rejects.toMatchObject({ code: 'untrusted_certificate' });
  });

  it('refuses a result whose OCSP response says the certificate is revoked', async () => {
    // A fresh person: revoking the certificate ends their Mobile ID for the tests after this one.
    const victim = await activatedPerson(node);
    const started = await client.startAuthentication({
      subject: { nationalId: victim.nationalId },
    });
    const answerVictim = async () => {
      const [request] = await victim.device.pendingRequests({ timeoutMs: 5000 });
      if (!request) throw new Error('no request reached the phone');
      await victim.device.approve(request, PIN1);
    };
    const [done] = await Promise.all([client.completeAuthentication(started), answerVictim()]);
    const leafDer = Buffer.from(done.result.certificate ?? '', 'base64');
    const serial = new X509Certificate(leafDer).serialNumber.toLowerCase();
    const revoked = await adminCall(node, 'POST', `/admin/v1/certificates/${serial}/revoke`, {
      body: { reason: 'keyCompromise' },
    });
    expect(revoked.status).toBe(200);
    // The platform's OCSP answer for the now revoked certificate, fetched by openssl (an
    // independent client), put in place of the good one the result carried.
    const dir = tempDir();
    const leaf = writePem(dir, 'leaf.pem', leafDer);
    const issuer = join(dir, 'ca.pem');
    writeFileSync(issuer, anchors.issuing);
    const respFile = join(dir, 'resp.der');
    const run = await openssl([
      'ocsp',
      '-issuer',
      issuer,
      '-cert',
      leaf,
      '-url',
      `${node.url}/ocsp`,
      '-respout',
      respFile,
      '-noverify',
    ]);
    expect(run.out).toContain('revoked');
    const withRevoked = {
      ...done.result,
      ocspResponse: readFileSync(respFile).toString('base64'),
    };
    await expect(
      verifyResult(withRevoked, {
        kind: 'auth',
        anchors,
        verificationCode: started.verificationCode,
        clientId: rp.clientId,
        hash: started.challenge,
      }),
    ).rejects.toMatchObject({ code: 'certificate_not_good' });
  });

  it('verifies a hash signature with the signing certificate', async () => {
    const digest = createHash('sha256').update('contract 2026').digest();
    const { sessionId } = await client.startSignature({
      subject: { nationalId: citizen.nationalId },
      hash: digest,
      hashType: 'SHA256',
      displayText: 'Sign the contract',
    });
    const [result] = await Promise.all([client.completeSignature(sessionId, digest), answer(PIN2)]);
    expect(result.result.endResult).toBe('OK');
    await expect(
      verifyResult(result, {
        kind: 'sign',
        clientId: rp.clientId,
        hash: Buffer.alloc(32, 7),
        anchors,
      }),
    ).rejects.toMatchObject({ code: 'bad_signature' });
  });

  it('says why when the citizen refuses', async () => {
    const started = await client.startAuthentication({
      subject: { nationalId: citizen.nationalId },
    });
    const refuse = async () => {
      const [request] = await citizen.device.pendingRequests({ timeoutMs: 5000 });
      if (!request) throw new Error('no request');
      await citizen.device.refuse(request);
    };
    const [outcome] = await Promise.allSettled([client.completeAuthentication(started), refuse()]);
    expect(outcome.status).toBe('rejected');
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'not_ok' });
  });

  it('turns a problem body into an error with its stable code', async () => {
    const bad = new OpenMidClient({
      baseUrl: node.url,
      clientId: rp.clientId,
      clientSecret: 'wrong',
      anchors,
    });
    await expect(
      bad.startCertificateChoice({ nationalId: citizen.nationalId }),
    ).rejects.toMatchObject({
      status: 401,
      error: 'invalid_client',
    });
  });
});
