import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCsr } from '@openmid/device';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { adminCall, createStaff, registerPerson } from '../support/admin.js';
import {
  activate,
  activationBody,
  deviceCall,
  makeTestDevice,
  proof,
  type TestDevice,
} from '../support/device.js';
import { openssl } from '../support/pki.js';
import { freshTestDb } from '../support/test-db.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const pem = (label: string, b64: string) =>
  `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END ${label}-----\n`;

async function issueCode(node: TestNode, personId: string, token?: string) {
  const r = await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`, {
    ...(token ? { token } : {}),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as { activationCode: string; puk: string; expiresAt: string };
}

/** What openssl ocsp says about an activation's certificate now (an independent oracle). */
async function ocspStatus(
  node: TestNode,
  activation: { caChain: string[] },
  certB64: string,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'openmid-ocsp-'));
  try {
    writeFileSync(join(dir, 'root.pem'), pem('CERTIFICATE', activation.caChain[1] as string));
    writeFileSync(join(dir, 'issuing.pem'), pem('CERTIFICATE', activation.caChain[0] as string));
    writeFileSync(join(dir, 'cert.pem'), pem('CERTIFICATE', certB64));
    const { out } = await openssl([
      'ocsp',
      '-issuer',
      join(dir, 'issuing.pem'),
      '-cert',
      join(dir, 'cert.pem'),
      '-url',
      `${node.url}/ocsp`,
      '-CAfile',
      join(dir, 'root.pem'),
    ]);
    expect(out).toContain('Response verify OK');
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Register a person, issue a code and activate a new device; returns everything. */
async function activatedDevice(node: TestNode, personId?: string) {
  const person = personId ?? (await registerPerson(node)).personId;
  const code = await issueCode(node, person);
  const device = await makeTestDevice();
  const r = await activate(node, device, await activationBody(device, code.activationCode));
  expect(r.status).toBe(201);
  return { personId: person, code, device, activation: await r.json() };
}

describe('POST /device/v1/activations — SPEC F4', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode({ env: { ACTIVATION_MAX_FAILURES_PER_SOURCE: '1000' } });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('activates a device: two certificates that chain to the CA (openssl verify), the PUK once', async () => {
    const { personId, body } = await registerPerson(node, {
      givenName: 'Rəşad',
      familyName: 'Quliyev',
    });
    const code = await issueCode(node, personId);
    const device = await makeTestDevice();
    const r = await activate(node, device, await activationBody(device, code.activationCode));
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const a = await r.json();
    expect(a.person).toEqual({
      nationalId: body.nationalId,
      givenName: 'Rəşad',
      familyName: 'Quliyev',
    });
    expect(a.puk).toBe(code.puk);
    expect(a.caChain).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'openmid-activation-'));
    try {
      writeFileSync(join(dir, 'root.pem'), pem('CERTIFICATE', a.caChain[1]));
      writeFileSync(join(dir, 'issuing.pem'), pem('CERTIFICATE', a.caChain[0]));
      for (const [name, b64, usage] of [
        ['auth', a.authCertificate, 'Digital Signature'],
        ['sign', a.signCertificate, 'Non Repudiation'],
      ] as const) {
        writeFileSync(join(dir, `${name}.pem`), pem('CERTIFICATE', b64));
        const out = execFileSync(
          'openssl',
          ['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', `${name}.pem`],
          { cwd: dir, encoding: 'utf8' },
        );
        expect(out).toContain(`${name}.pem: OK`);
        const text = execFileSync('openssl', ['x509', '-in', `${name}.pem`, '-noout', '-text'], {
          cwd: dir,
          encoding: 'utf8',
        });
        expect(text).toContain(usage);
        expect(text).toContain(String(body.nationalId));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The PUK is released once: the server forgets it.
    const row = await node.ctx.db
      .selectFrom('activation_codes')
      .select(['status', 'puk_sealed', 'device_id'])
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'consumed', puk_sealed: null, device_id: a.deviceId });

    const status = await deviceCall(node, device, 'GET', '/device/v1/status');
    expect(status.status).toBe(200);
    const s = await status.json();
    expect(s.deviceId).toBe(a.deviceId);
    expect(s.status).toBe('active');
    expect(
      s.certificates.map((c: { purpose: string; status: string }) => [c.purpose, c.status]).sort(),
    ).toEqual([
      ['auth', 'good'],
      ['sign', 'good'],
    ]);
    const devices = await (
      await adminCall(node, 'GET', `/admin/v1/persons/${personId}/devices`)
    ).json();
    expect(devices.devices).toHaveLength(1);
    expect(devices.devices[0]).toMatchObject({
      deviceId: a.deviceId,
      status: 'active',
      name: 'Test phone',
    });
    const audit = await node.ctx.db
      .selectFrom('log_entries')
      .select(['type', 'actor'])
      .where('person_id', '=', personId)
      .where('type', '=', 'device.activated')
      .execute();
    expect(audit).toEqual([{ type: 'device.activated', actor: `device:${a.deviceId}` }]);
  });

  it('refuses a code the second time', async () => {
    const { code } = await activatedDevice(node);
    const other = await makeTestDevice();
    const r = await activate(node, other, await activationBody(other, code.activationCode));
    expect(r.status).toBe(400);
    expect((await r.json()).error).toBe('activation_code_invalid');
  });

  it('lets only one of two simultaneous activations with one code succeed', async () => {
    const { personId } = await registerPerson(node);
    const code = await issueCode(node, personId);
    const phones = [await makeTestDevice(), await makeTestDevice()];
    const results = await Promise.all(
      phones.map(async (d) => activate(node, d, await activationBody(d, code.activationCode))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
    const devices = await node.ctx.db
      .selectFrom('devices')
      .select('id')
      .where('person_id', '=', personId)
      .execute();
    expect(devices).toHaveLength(1);
  });

  it('accepts a code typed in lower case without hyphens', async () => {
    const { personId } = await registerPerson(node);
    const code = await issueCode(node, personId);
    const device = await makeTestDevice();
    const typed = code.activationCode.toLowerCase().replace(/-/g, ' ');
    const r = await activate(node, device, await activationBody(device, typed));
    expect(r.status).toBe(201);
  });

  it('refuses a code that was superseded by a newer one', async () => {
    const { personId } = await registerPerson(node);
    const first = await issueCode(node, personId);
    await issueCode(node, personId);
    const device = await makeTestDevice();
    const r = await activate(node, device, await activationBody(device, first.activationCode));
    expect(r.status).toBe(400);
  });

  it('locks a code after five wrong secrets, even for the right one afterwards', async () => {
    const { personId } = await registerPerson(node);
    const code = await issueCode(node, personId);
    const device = await makeTestDevice();
    const body = await activationBody(device, code.activationCode);
    const id = code.activationCode.slice(0, 9);
    for (let i = 0; i < 5; i++) {
      const wrong = `${id}${String(i).repeat(4)}-0000-0000`;
      const r = await activate(node, device, { ...body, activationCode: wrong });
      expect(r.status).toBe(400);
      expect((await r.json()).error).toBe('activation_code_invalid');
    }
    const right = await activate(node, device, body);
    expect(right.status).toBe(400);
    const row = await node.ctx.db
      .selectFrom('activation_codes')
      .select(['status', 'failed_attempts', 'puk_sealed'])
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'locked', failed_attempts: 5, puk_sealed: null });
    const types = (
      await node.ctx.db
        .selectFrom('log_entries')
        .select('type')
        .where('person_id', '=', personId)
        .execute()
    ).map((r) => r.type);
    expect(types).toContain('activation_code.locked');
    expect(types.filter((t) => t === 'activation.failed').length).toBeGreaterThanOrEqual(5);
  });

  it('revokes the old device and its certificates on re-registration', async () => {
    const first = await activatedDevice(node);
    const second = await activatedDevice(node, first.personId);
    const old = await (
      await adminCall(node, 'GET', `/admin/v1/devices/${first.activation.deviceId}`)
    ).json();
    expect(old.status).toBe('revoked');
    expect(old.certificates).toHaveLength(2);
    for (const c of old.certificates) {
      expect(c).toMatchObject({ status: 'revoked', revocationReason: 'superseded' });
    }
    const ocsp = await ocspStatus(node, first.activation, first.activation.authCertificate);
    expect(ocsp).toContain('cert.pem: revoked');
    expect(ocsp).toMatch(/Reason: superseded/i);
    expect(await ocspStatus(node, second.activation, second.activation.signCertificate)).toContain(
      'cert.pem: good',
    );
    const refused = await deviceCall(node, first.device, 'POST', '/device/v1/events', {
      body: { type: 'pin_changed', key: 'auth' },
    });
    expect(refused.status).toBe(403);
    const status = await (await deviceCall(node, first.device, 'GET', '/device/v1/status')).json();
    expect(status.status).toBe('revoked');
    const now = await deviceCall(node, second.device, 'GET', '/device/v1/status');
    expect((await now.json()).status).toBe('active');
    const devices = await (
      await adminCall(node, 'GET', `/admin/v1/persons/${first.personId}/devices`)
    ).json();
    expect(devices.devices.map((d: { status: string }) => d.status).sort()).toEqual([
      'active',
      'revoked',
    ]);
  });

  it('refuses a device key that is already registered (409)', async () => {
    const { device } = await activatedDevice(node);
    const { personId } = await registerPerson(node);
    const code = await issueCode(node, personId);
    const fresh = await makeTestDevice();
    const reused: TestDevice = {
      ...fresh,
      deviceKey: device.deviceKey,
      deviceJwk: device.deviceJwk,
    };
    const r = await activate(node, reused, await activationBody(reused, code.activationCode));
    expect(r.status).toBe(409);
    // The refusal rolled back: the code still works with a new key.
    const ok = await activate(node, fresh, await activationBody(fresh, code.activationCode));
    expect(ok.status).toBe(201);
  });

  describe('bad input gets a clear 4xx and leaves the code usable', () => {
    let personId: string;
    let code: string;
    beforeAll(async () => {
      personId = (await registerPerson(node)).personId;
      code = (await issueCode(node, personId)).activationCode;
    });
    const garbage = Buffer.from('this is not a certificate request').toString('base64');

    it('refuses a malformed CSR with 400 invalid_csr', async () => {
      const device = await makeTestDevice();
      const body = { ...(await activationBody(device, code)), authCsr: garbage };
      const r = await activate(node, device, body);
      expect(r.status).toBe(400);
      expect((await r.json()).error).toBe('invalid_csr');
    });

    it('refuses a CSR on the wrong curve', async () => {
      const device = await makeTestDevice();
      const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
        'sign',
        'verify',
      ]);
      const csr = await createCsr(p384, 'CN=p384');
      const body = {
        ...(await activationBody(device, code)),
        signCsr: Buffer.from(csr).toString('base64'),
      };
      const r = await activate(node, device, body);
      expect(r.status).toBe(400);
      expect((await r.json()).error).toBe('invalid_csr');
    });

    it('refuses a CSR whose signature does not verify', async () => {
      const device = await makeTestDevice();
      const body = await activationBody(device, code);
      const der = Buffer.from(body.authCsr as string, 'base64');
      der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0x01;
      const r = await activate(node, device, { ...body, authCsr: der.toString('base64') });
      expect(r.status).toBe(400);
      expect((await r.json()).error).toBe('invalid_csr');
    });

    it('refuses one key for both PINs', async () => {
      const device = await makeTestDevice();
      const same: TestDevice = { ...device, signKey: device.authKey };
      const r = await activate(node, same, await activationBody(same, code));
      expect(r.status).toBe(400);
      expect((await r.json()).error).toBe('invalid_csr');
    });

    it('refuses bad JSON, missing fields, wrong types and unknown fields with 400', async () => {
      const device = await makeTestDevice();
      const body = await activationBody(device, code);
      const url = `${node.url}/device/v1/activations`;
      const raw = await node.request('/device/v1/activations', {
        method: 'POST',
        headers: { 'content-type': 'application/json', dpop: await proof(device, 'POST', url) },
        body: '{"activationCode": ',
      });
      expect(raw.status).toBe(400);
      expect((await raw.json()).error).toBe('invalid_json');
      const { signCsr: _drop, ...missing } = body;
      for (const bad of [
        missing,
        { ...body, authCsr: 42 },
        { ...body, extra: true },
        { ...body, authCsr: 'not base64!' },
      ]) {
        const r = await activate(node, device, bad);
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('refuses an oversized body with 413', async () => {
      const device = await makeTestDevice();
      const body = {
        ...(await activationBody(device, code)),
        deviceName: 'x'.repeat(2 * 1024 * 1024),
      };
      const r = await activate(node, device, body);
      expect(r.status).toBe(413);
    });

    it('still activates with the code afterwards', async () => {
      const device = await makeTestDevice();
      const r = await activate(node, device, await activationBody(device, code));
      expect(r.status).toBe(201);
    });
  });
});

describe('device proofs — DESIGN §4, RFC 9449 shape', () => {
  let node: TestNode;
  let device: TestDevice;
  beforeAll(async () => {
    node = await startTestNode({ env: { ACTIVATION_MAX_FAILURES_PER_SOURCE: '1000' } });
    ({ device } = await activatedDevice(node));
  });
  afterAll(async () => {
    await node?.stop();
  });
  const statusUrl = () => `${node.url}/device/v1/status`;
  const expectRefused = async (r: Response) => {
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('DPoP');
    expect((await r.json()).error).toBe('invalid_device_proof');
  };

  it('accepts a fresh proof', async () => {
    expect((await deviceCall(node, device, 'GET', '/device/v1/status')).status).toBe(200);
  });

  it('refuses a call without a proof', async () => {
    await expectRefused(await node.request('/device/v1/status'));
  });

  it('refuses a replayed proof (same jti)', async () => {
    const dpop = await proof(device, 'GET', statusUrl());
    expect((await deviceCall(node, device, 'GET', '/device/v1/status', { dpop })).status).toBe(200);
    await expectRefused(await deviceCall(node, device, 'GET', '/device/v1/status', { dpop }));
  });

  it('refuses a proof for another URL (htu)', async () => {
    await expectRefused(
      await deviceCall(node, device, 'GET', '/device/v1/status', {
        proof: { htu: 'https://evil.example/device/v1/status' },
      }),
    );
    await expectRefused(
      await deviceCall(node, device, 'GET', '/device/v1/status', {
        proof: { htu: `${node.url}/device/v1/events` },
      }),
    );
  });

  it('refuses a proof for another method (htm)', async () => {
    await expectRefused(
      await deviceCall(node, device, 'GET', '/device/v1/status', { proof: { htm: 'POST' } }),
    );
  });

  it('refuses a stale or future proof (iat)', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now - 600, now + 600]) {
      await expectRefused(
        await deviceCall(node, device, 'GET', '/device/v1/status', { proof: { iat } }),
      );
    }
  });

  it('refuses a proof of another typ', async () => {
    await expectRefused(
      await deviceCall(node, device, 'GET', '/device/v1/status', { proof: { typ: 'JWT' } }),
    );
  });

  it('refuses a proof signed by another key than the one in its header', async () => {
    const mallory = await makeTestDevice();
    const forged: TestDevice = { ...mallory, deviceJwk: device.deviceJwk };
    await expectRefused(await deviceCall(node, forged, 'GET', '/device/v1/status'));
  });

  it('refuses a device key on another curve (ES384)', async () => {
    const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
      'sign',
      'verify',
    ]);
    const { kty, crv, x, y } = await exportJWK(p384.publicKey);
    const dpop = await new SignJWT({ htm: 'GET', htu: statusUrl(), jti: 'p384-proof-jti' })
      .setProtectedHeader({ alg: 'ES384', typ: 'dpop+jwt', jwk: { kty, crv, x, y } })
      .setIssuedAt()
      .sign(p384.privateKey);
    await expectRefused(await deviceCall(node, device, 'GET', '/device/v1/status', { dpop }));
  });

  it('refuses an unsigned proof (alg none)', async () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const header = enc({ alg: 'none', typ: 'dpop+jwt', jwk: device.deviceJwk });
    const payload = enc({
      htm: 'GET',
      htu: statusUrl(),
      jti: 'unsigned-proof-jti',
      iat: Math.floor(Date.now() / 1000),
    });
    await expectRefused(
      await deviceCall(node, device, 'GET', '/device/v1/status', { dpop: `${header}.${payload}.` }),
    );
  });

  it('refuses a key no device was activated with', async () => {
    const stranger = await makeTestDevice();
    await expectRefused(await deviceCall(node, stranger, 'GET', '/device/v1/status'));
  });

  it('refuses garbage in the DPoP header', async () => {
    for (const dpop of ['garbage', 'a.b.c', 'x'.repeat(5000)]) {
      await expectRefused(await deviceCall(node, device, 'GET', '/device/v1/status', { dpop }));
    }
  });

  it('records PIN events in the person’s log', async () => {
    const { personId, device: d, activation } = await activatedDevice(node);
    const r = await deviceCall(node, d, 'POST', '/device/v1/events', {
      body: { type: 'pin_blocked', key: 'sign' },
    });
    expect(r.status).toBe(204);
    const entries = await node.ctx.audit.listForPerson(node.ctx.db, personId, {
      types: ['device.pin_blocked'],
      limit: 10,
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.actor).toBe(`device:${activation.deviceId}`);
    expect(entries[0]?.data).toMatchObject({ key: 'sign' });
    const bad = await deviceCall(node, d, 'POST', '/device/v1/events', {
      body: { type: 'pin_exploded', key: 'sign' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('device and certificate lifecycle from the admin API — SPEC F5', () => {
  let node: TestNode;
  let officer: string;
  let auditor: string;
  beforeAll(async () => {
    node = await startTestNode({ env: { ACTIVATION_MAX_FAILURES_PER_SOURCE: '1000' } });
    officer = (await createStaff(node, 'officer')).token;
    auditor = (await createStaff(node, 'auditor')).token;
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('suspends a device at once (403 on its next call) and resumes it', async () => {
    const { device, activation } = await activatedDevice(node);
    const id = activation.deviceId;
    const denied = await adminCall(node, 'POST', `/admin/v1/devices/${id}/suspend`, {
      token: auditor,
    });
    expect(denied.status).toBe(403);
    const s = await adminCall(node, 'POST', `/admin/v1/devices/${id}/suspend`, { token: officer });
    expect(s.status).toBe(200);
    expect((await s.json()).status).toBe('suspended');
    const refused = await deviceCall(node, device, 'POST', '/device/v1/events', {
      body: { type: 'pin_changed', key: 'auth' },
    });
    expect(refused.status).toBe(403);
    const status = await (await deviceCall(node, device, 'GET', '/device/v1/status')).json();
    expect(status.status).toBe('suspended');
    expect(status.certificates.map((c: { status: string }) => c.status)).toEqual([
      'suspended',
      'suspended',
    ]);
    const again = await adminCall(node, 'POST', `/admin/v1/devices/${id}/suspend`, {
      token: officer,
    });
    expect(again.status).toBe(409);
    const r = await adminCall(node, 'POST', `/admin/v1/devices/${id}/resume`, { token: officer });
    expect(r.status).toBe(200);
    const ok = await deviceCall(node, device, 'POST', '/device/v1/events', {
      body: { type: 'pin_changed', key: 'auth' },
    });
    expect(ok.status).toBe(204);
    expect(await ocspStatus(node, activation, activation.authCertificate)).toContain(
      'cert.pem: good',
    );
  });

  it('revokes a device and its certificates for good', async () => {
    const { device, activation } = await activatedDevice(node);
    const id = activation.deviceId;
    const r = await adminCall(node, 'POST', `/admin/v1/devices/${id}/revoke`, {
      token: officer,
      body: { reason: 'keyCompromise' },
    });
    expect(r.status).toBe(200);
    const detail = await (await adminCall(node, 'GET', `/admin/v1/devices/${id}`)).json();
    for (const c of detail.certificates) {
      expect(c).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
    }
    const refused = await deviceCall(node, device, 'POST', '/device/v1/events', {
      body: { type: 'pin_changed', key: 'auth' },
    });
    expect(refused.status).toBe(403);
    const resume = await adminCall(node, 'POST', `/admin/v1/devices/${id}/resume`, {
      token: officer,
    });
    expect(resume.status).toBe(409);
  });

  it('revokes, suspends and resumes one certificate by serial', async () => {
    const { device, activation } = await activatedDevice(node);
    const detail = await (
      await adminCall(node, 'GET', `/admin/v1/devices/${activation.deviceId}`)
    ).json();
    const sign = detail.certificates.find((c: { purpose: string }) => c.purpose === 'sign');
    const auth = detail.certificates.find((c: { purpose: string }) => c.purpose === 'auth');
    const suspend = await adminCall(
      node,
      'POST',
      `/admin/v1/certificates/${auth.serialHex}/suspend`,
      {
        token: officer,
      },
    );
    expect(suspend.status).toBe(200);
    expect((await suspend.json()).status).toBe('suspended');
    // A device whose certificate is on hold is refused at once.
    const refused = await deviceCall(node, device, 'POST', '/device/v1/events', {
      body: { type: 'pin_changed', key: 'auth' },
    });
    expect(refused.status).toBe(403);
    const resume = await adminCall(
      node,
      'POST',
      `/admin/v1/certificates/${auth.serialHex}/resume`,
      {
        token: officer,
      },
    );
    expect((await resume.json()).status).toBe('good');
    const revoke = await adminCall(
      node,
      'POST',
      `/admin/v1/certificates/${sign.serialHex}/revoke`,
      {
        token: officer,
        body: { reason: 'keyCompromise' },
      },
    );
    expect(revoke.status).toBe(200);
    expect(await revoke.json()).toMatchObject({
      status: 'revoked',
      revocationReason: 'keyCompromise',
    });
    const byAuditor = await adminCall(
      node,
      'POST',
      `/admin/v1/certificates/${auth.serialHex}/revoke`,
      {
        token: auditor,
        body: { reason: 'keyCompromise' },
      },
    );
    expect(byAuditor.status).toBe(403);
    const unknown = await adminCall(node, 'POST', '/admin/v1/certificates/0badc0ffee/revoke', {
      body: { reason: 'keyCompromise' },
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe('certificate_not_found');
    const badReason = await adminCall(
      node,
      'POST',
      `/admin/v1/certificates/${auth.serialHex}/revoke`,
      {
        body: { reason: 'because' },
      },
    );
    expect(badReason.status).toBe(400);
    const notHex = await adminCall(node, 'POST', '/admin/v1/certificates/xyz/revoke', {
      body: { reason: 'keyCompromise' },
    });
    expect(notHex.status).toBe(400);
  });
});

describe('activation guessing per source — SPEC §5 Security', () => {
  it('locks a source out after too many failed activations (429), across codes', async () => {
    const db = await freshTestDb();
    const node = await startTestNode({ db, env: { ACTIVATION_MAX_FAILURES_PER_SOURCE: '3' } });
    try {
      const { personId } = await registerPerson(node);
      const code = await issueCode(node, personId);
      const device = await makeTestDevice();
      const body = await activationBody(device, code.activationCode);
      for (const guess of ['AAAA-AAAA-AAAA-AAAA-AAAA', 'BBBB-BBBB-BBBB-BBBB-BBBB', 'short']) {
        const r = await activate(node, device, { ...body, activationCode: guess });
        expect(r.status).toBe(400);
      }
      const locked = await activate(node, device, body);
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toMatch(/^[0-9]+$/);
      expect((await locked.json()).error).toBe('activation_locked');
      const types = (
        await node.ctx.db
          .selectFrom('log_entries')
          .select('type')
          .where('type', 'like', 'activation.%')
          .execute()
      ).map((r) => r.type);
      expect(types.sort()).toEqual(['activation.failed', 'activation.failed', 'activation.locked']);
    } finally {
      await node.stop();
      await db.close();
    }
  });
});

describe('activation code expiry — SPEC F2', () => {
  it('refuses a code after it expired', async () => {
    const db = await freshTestDb();
    const clock = fixedClock(new Date());
    const node = await startTestNode({ db, clock, env: { ACTIVATION_CODE_TTL_SECONDS: '600' } });
    try {
      const { personId } = await registerPerson(node);
      const code = await issueCode(node, personId);
      clock.advance(601_000);
      const device = await makeTestDevice();
      const iat = Math.floor(clock.now().getTime() / 1000);
      const r = await activate(node, device, await activationBody(device, code.activationCode), {
        iat,
      });
      expect(r.status).toBe(400);
      expect((await r.json()).error).toBe('activation_code_invalid');
    } finally {
      await node.stop();
      await db.close();
    }
  });
});
