import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activatedPerson,
  PIN2,
  registerClient,
  rpCall,
  type TestClient,
  type TestDevice,
} from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

/** openssl as the independent oracle: ECDSA over a ready digest (pkeyutl, no hashing). */
function opensslVerifiesDigest(certificateB64: string, digest: Buffer, signature: Buffer): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'openmid-sig-'));
  try {
    const pub = new X509Certificate(Buffer.from(certificateB64, 'base64')).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    writeFileSync(join(dir, 'pub.pem'), pub);
    writeFileSync(join(dir, 'digest.bin'), digest);
    writeFileSync(join(dir, 'sig.der'), signature);
    const out = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        'pub.pem',
        '-in',
        'digest.bin',
        '-sigfile',
        'sig.der',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    return out.includes('Signature Verified Successfully');
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('certificate choice and hash signing (F15, SPEC §4.3)', () => {
  let node: TestNode;
  let rp: TestClient;
  let rashad: TestDevice;
  beforeAll(async () => {
    node = await startTestNode({ env: { SESSION_PERSON_LIMIT_PER_MINUTE: '1000' } });
    rp = await registerClient(node);
    rashad = await activatedPerson(node, { givenName: 'Rəşad' });
  });
  afterAll(async () => {
    await node?.stop();
  });

  const next = async () => {
    const [r] = await rashad.device.pendingRequests({ timeoutMs: 5000 });
    if (!r) throw new Error('no request');
    return r;
  };

  it('returns the signing certificate from a certificate choice', async () => {
    const r = await rpCall(node, rp, 'POST', '/rp/v1/certificate-choice', {
      subject: { nationalId: rashad.nationalId },
    });
    expect(r.status).toBe(201);
    const { sessionId, verificationCode } = (await r.json()) as Record<string, string>;
    expect(verificationCode).toBeUndefined();
    const request = await next();
    expect(request).toMatchObject({ type: 'certificate-choice', key: 'sign' });
    expect(await rashad.device.approve(request, PIN2)).toEqual({ endResult: 'OK' });
    const done = (await (
      await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=1000`)
    ).json()) as Record<string, unknown>;
    expect(done.result).toEqual({ endResult: 'OK' });
    expect(done.certificate).toBe(rashad.signCertificate);
    expect(done.signature).toBeUndefined();
    expect(typeof done.ocspResponse).toBe('string');
  });

  it.each([
    ['SHA256', 'sha256'],
    ['SHA384', 'sha384'],
    ['SHA512', 'sha512'],
  ])('signs a %s digest with the signing key, verified by openssl', async (hashType, algo) => {
    const digest = createHash(algo).update(`contract ${hashType}`).digest();
    const r = await rpCall(node, rp, 'POST', '/rp/v1/signature', {
      subject: { nationalId: rashad.nationalId },
      hash: digest.toString('base64'),
      hashType,
      displayText: 'Sign the lease agreement',
    });
    expect(r.status).toBe(201);
    const { sessionId } = (await r.json()) as Record<string, string>;
    const request = await next();
    expect(request).toMatchObject({
      type: 'sign',
      key: 'sign',
      hashType,
      displayText: 'Sign the lease agreement',
    });
    expect(await rashad.device.approve(request, PIN2)).toEqual({ endResult: 'OK' });
    const done = (await (await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}`)).json()) as {
      signature: { value: string; algorithm: string; signedData?: string };
      certificate: string;
    };
    expect(done.signature.algorithm).toBe(`ecdsa-with-${hashType}`);
    expect(done.signature.signedData).toBeUndefined();
    expect(done.certificate).toBe(rashad.signCertificate);
    expect(
      opensslVerifiesDigest(done.certificate, digest, Buffer.from(done.signature.value, 'base64')),
    ).toBe(true);
  });

  it('ends PIN_BLOCKED when the phone reports a blocked key', async () => {
    const digest = createHash('sha256').update('x').digest();
    const r = await rpCall(node, rp, 'POST', '/rp/v1/signature', {
      subject: { nationalId: rashad.nationalId },
      hash: digest.toString('base64'),
      hashType: 'SHA256',
    });
    const { sessionId } = (await r.json()) as Record<string, string>;
    expect(await rashad.device.answerPinBlocked(await next())).toEqual({
      endResult: 'PIN_BLOCKED',
    });
    const done = await (await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}`)).json();
    expect(done).toEqual({ state: 'COMPLETE', result: { endResult: 'PIN_BLOCKED' } });
  });

  it('refuses a signature without a subject and a hash of the wrong length', async () => {
    const noSubject = await rpCall(node, rp, 'POST', '/rp/v1/signature', {
      hash: Buffer.alloc(32).toString('base64'),
      hashType: 'SHA256',
    });
    expect(noSubject.status).toBe(400);
    const short = await rpCall(node, rp, 'POST', '/rp/v1/signature', {
      subject: { nationalId: rashad.nationalId },
      hash: Buffer.alloc(32).toString('base64'),
      hashType: 'SHA512',
    });
    expect(short.status).toBe(400);
  });
});
