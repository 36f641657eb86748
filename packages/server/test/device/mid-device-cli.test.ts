import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall, registerPerson } from '../support/admin.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

/**
 * The phone of SPEC §4.4 against the real server: register → activation code → `mid-device
 * activate` → certificates that `openssl verify` chains to the CA, with the ETSI key usages.
 */
const MID_DEVICE = join(ROOT, 'node_modules/.bin/mid-device');
const PIN1 = '2580';
const PIN2 = '14703';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>[];
}

function midDevice(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(MID_DEVICE, args, { timeout: 90_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const json = stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, stdout, stderr, json });
    });
  });
}

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** openssl that talks to the in-process server: asynchronous, so the server keeps serving. */
function opensslAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`openssl ${args[0]}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

let node: TestNode;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  node = await startTestNode();
  dir = await mkdtemp(join(tmpdir(), 'mid-device-it-'));
});

afterAll(async () => {
  await node?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function activationCode(personId: string) {
  const response = await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`);
  expect(response.status).toBe(201);
  return (await response.json()) as { activationCode: string; puk: string };
}

describe('mid-device against the real server (SPEC §4.4, F4)', () => {
  it('activates; the certificates chain to the CA (openssl verify) with the right key usages', async () => {
    const { personId, body } = await registerPerson(node);
    const { activationCode: code, puk } = await activationCode(personId);
    const state = join(dir, 'phone.json');
    const activate = await midDevice([
      'activate',
      '--server',
      node.url,
      '--code',
      code,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--state',
      state,
    ]);
    expect(activate.stderr).toBe('');
    expect(activate.code).toBe(0);
    expect(activate.json[0]).toMatchObject({
      person: {
        nationalId: body.nationalId,
        givenName: body.givenName,
        familyName: body.familyName,
      },
    });
    expect(activate.stdout).not.toContain(puk);
    expect((await stat(state)).mode & 0o777).toBe(0o600);
    expect(await readFile(state, 'utf8')).not.toContain(puk);

    const status = await midDevice(['status', '--state', state]);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const report = status.json[0] as {
      status: string;
      certificates: { purpose: string; status: string; pem: string }[];
      pins: unknown;
    };
    expect(report.status).toBe('active');
    expect(report.pins).toEqual({
      pin1: { triesLeft: 3, blocked: false },
      pin2: { triesLeft: 3, blocked: false },
      puk: { triesLeft: 10, blocked: false },
    });
    expect(report.certificates.map((c) => [c.purpose, c.status]).sort()).toEqual([
      ['auth', 'good'],
      ['sign', 'good'],
    ]);

    const root = join(dir, 'root.pem');
    const issuing = join(dir, 'ca.pem');
    await writeFile(root, await (await node.request('/pki/root.pem')).text());
    await writeFile(issuing, await (await node.request('/pki/ca.pem')).text());
    for (const certificate of report.certificates) {
      const file = join(dir, `${certificate.purpose}.pem`);
      await writeFile(file, certificate.pem);
      expect(openssl(['verify', '-CAfile', root, '-untrusted', issuing, file])).toContain(': OK');
      const usage = openssl(['x509', '-in', file, '-noout', '-ext', 'keyUsage']);
      if (certificate.purpose === 'auth') {
        expect(usage).toContain('Digital Signature');
        expect(usage).not.toContain('Non Repudiation');
      } else {
        expect(usage).toContain('Non Repudiation');
      }
      const subject = openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253']);
      expect(subject).toContain(`serialNumber=${body.nationalId}`);
    }
  });

  it('shows a suspension at once, and re-registration revokes the old phone (OCSP says revoked)', async () => {
    const { personId } = await registerPerson(node);
    const oldPhone = join(dir, 'old-phone.json');
    const first = await midDevice([
      'activate',
      '--server',
      node.url,
      '--code',
      (await activationCode(personId)).activationCode,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--state',
      oldPhone,
    ]);
    expect(first.code).toBe(0);
    const deviceId = first.json[0]?.deviceId as string;

    const suspend = await adminCall(node, 'POST', `/admin/v1/devices/${deviceId}/suspend`);
    expect(suspend.status).toBe(200);
    const suspended = await midDevice(['status', '--state', oldPhone]);
    expect(suspended.code).toBe(0);
    expect(suspended.json[0]?.status).toBe('suspended');
    expect(await adminCall(node, 'POST', `/admin/v1/devices/${deviceId}/resume`)).toHaveProperty(
      'status',
      200,
    );

    const second = await midDevice([
      'activate',
      '--server',
      node.url,
      '--code',
      (await activationCode(personId)).activationCode,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--state',
      join(dir, 'new-phone.json'),
    ]);
    expect(second.code).toBe(0);
    const revoked = await midDevice(['status', '--state', oldPhone]);
    expect(revoked.code).toBe(0);
    const report = revoked.json[0] as {
      status: string;
      certificates: { status: string; pem: string }[];
    };
    expect(report.status).toBe('revoked');
    expect(report.certificates.map((c) => c.status)).toEqual(['revoked', 'revoked']);

    const root = join(dir, 'root.pem');
    const issuing = join(dir, 'ca.pem');
    await writeFile(root, await (await node.request('/pki/root.pem')).text());
    await writeFile(issuing, await (await node.request('/pki/ca.pem')).text());
    const cert = join(dir, 'old-auth.pem');
    await writeFile(cert, report.certificates[0]?.pem ?? '');
    const ocsp = await opensslAsync([
      'ocsp',
      '-issuer',
      issuing,
      '-cert',
      cert,
      '-url',
      `${node.url}/ocsp`,
      '-CAfile',
      root,
      '-no_nonce',
    ]);
    expect(ocsp).toContain(`${cert}: revoked`);
  });
});

interface RpClient {
  clientId: string;
  clientSecret: string;
}

async function registerRp(): Promise<RpClient> {
  const response = await adminCall(node, 'POST', '/admin/v1/clients', {
    body: {
      client_name: 'Tax portal',
      environment: 'sandbox',
      allowed_claims: ['given_name', 'birthdate'],
    },
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { client_id: string; client_secret: string };
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

async function rp(client: RpClient, method: string, path: string, body?: unknown) {
  const response = await node.request(path, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function activated(pins = { pin1: PIN1, pin2: PIN2 }) {
  const { personId, body } = await registerPerson(node);
  const { activationCode: code, puk } = await activationCode(personId);
  const state = join(dir, `${personId}.json`);
  const run = await midDevice([
    'activate',
    '--server',
    node.url,
    '--code',
    code,
    '--pin1',
    pins.pin1,
    '--pin2',
    pins.pin2,
    '--state',
    state,
  ]);
  expect(run.code).toBe(0);
  return { state, puk, nationalId: body.nationalId as string };
}

/** Wait for the session to complete (the RP's long poll). */
async function outcome(client: RpClient, sessionId: string) {
  for (;;) {
    const { status, body } = await rp(
      client,
      'GET',
      `/rp/v1/sessions/${sessionId}?timeoutMs=10000`,
    );
    expect(status).toBe(200);
    if (body.state === 'COMPLETE')
      return body as Record<string, unknown> & {
        result: { endResult: string };
        signature?: { value: string; algorithm: string; signedData?: string };
        certificate?: string;
      };
  }
}

describe('mid-device approve against the real server (SPEC §4.3, §4.4, F6)', () => {
  it('approves an authentication with PIN1: the RP verifies the signedData with the certificate', async () => {
    const client = await registerRp();
    const phone = await activated();
    const challenge = randomBytes(32);
    const started = await rp(client, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: phone.nationalId },
      hash: challenge.toString('base64'),
      hashType: 'SHA256',
      displayText: 'Log in to the tax portal',
      claims: ['given_name'],
    });
    expect(started.status).toBe(201);
    const approve = await midDevice([
      'approve',
      '--state',
      phone.state,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--once',
      '--timeout',
      '30',
    ]);
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.json).toHaveLength(1);
    expect(approve.json[0]).toMatchObject({
      sessionId: started.body.sessionId,
      type: 'auth',
      rpName: 'Tax portal',
      verificationCode: started.body.verificationCode,
      displayText: 'Log in to the tax portal',
      claims: ['given_name'],
      answer: 'approve',
      endResult: 'OK',
    });
    const done = await outcome(client, started.body.sessionId as string);
    expect(done.result.endResult).toBe('OK');
    const signedData = Buffer.from(done.signature?.signedData ?? '', 'base64');
    const certificate = new X509Certificate(Buffer.from(done.certificate ?? '', 'base64'));
    expect(
      verify(
        'sha256',
        signedData,
        { key: certificate.publicKey, dsaEncoding: 'der' },
        Buffer.from(done.signature?.value ?? '', 'base64'),
      ),
    ).toBe(true);
    expect(JSON.parse(signedData.toString('utf8'))).toMatchObject({
      rp: client.clientId,
      challenge: challenge.toString('base64'),
      vc: started.body.verificationCode,
    });
  });

  it('signs a hash with PIN2: the signature verifies over the document', async () => {
    const client = await registerRp();
    const phone = await activated();
    const document = randomBytes(1000);
    const started = await rp(client, 'POST', '/rp/v1/signature', {
      subject: { nationalId: phone.nationalId },
      hash: createHash('sha256').update(document).digest('base64'),
      hashType: 'SHA256',
      displayText: 'Sign the contract',
    });
    expect(started.status).toBe(201);
    const approve = await midDevice([
      'approve',
      '--state',
      phone.state,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--once',
      '--timeout',
      '30',
    ]);
    expect(approve.json[0]).toMatchObject({
      type: 'sign',
      key: 'sign',
      answer: 'approve',
      endResult: 'OK',
    });
    const done = await outcome(client, started.body.sessionId as string);
    expect(done.result.endResult).toBe('OK');
    const certificate = new X509Certificate(Buffer.from(done.certificate ?? '', 'base64'));
    expect(
      verify(
        'sha256',
        document,
        { key: certificate.publicKey, dsaEncoding: 'der' },
        Buffer.from(done.signature?.value ?? '', 'base64'),
      ),
    ).toBe(true);
  });

  it('refuses: the RP gets USER_REFUSED', async () => {
    const client = await registerRp();
    const phone = await activated();
    const started = await rp(client, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: phone.nationalId },
      hash: randomBytes(32).toString('base64'),
      hashType: 'SHA256',
    });
    const approve = await midDevice([
      'approve',
      '--state',
      phone.state,
      '--refuse',
      '--once',
      '--timeout',
      '30',
    ]);
    expect(approve.json[0]).toMatchObject({ answer: 'refuse', endResult: 'USER_REFUSED' });
    expect((await outcome(client, started.body.sessionId as string)).result.endResult).toBe(
      'USER_REFUSED',
    );
  });

  it('three wrong PIN1s block the key and end the session PIN_BLOCKED; the PUK unblocks it', async () => {
    const client = await registerRp();
    const phone = await activated();
    const start = () =>
      rp(client, 'POST', '/rp/v1/authentication', {
        subject: { nationalId: phone.nationalId },
        hash: randomBytes(32).toString('base64'),
        hashType: 'SHA256',
      });
    const started = await start();
    for (const triesLeft of [2, 1]) {
      const wrong = await midDevice([
        'approve',
        '--state',
        phone.state,
        '--pin1',
        '0000',
        '--once',
        '--timeout',
        '30',
      ]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(`${triesLeft} tries left`);
    }
    const third = await midDevice([
      'approve',
      '--state',
      phone.state,
      '--pin1',
      '0000',
      '--once',
      '--timeout',
      '30',
    ]);
    expect(third.code).toBe(1);
    expect(third.json[0]).toMatchObject({ answer: 'pin_blocked', endResult: 'PIN_BLOCKED' });
    expect((await outcome(client, started.body.sessionId as string)).result.endResult).toBe(
      'PIN_BLOCKED',
    );

    const unblock = await midDevice([
      'unblock',
      '--state',
      phone.state,
      '--puk',
      phone.puk,
      '--new-pin1',
      '8642',
    ]);
    expect(unblock.stderr).toBe('');
    expect(unblock.code).toBe(0);
    const again = await start();
    const approve = await midDevice([
      'approve',
      '--state',
      phone.state,
      '--pin1',
      '8642',
      '--once',
      '--timeout',
      '30',
    ]);
    expect(approve.json[0]).toMatchObject({ answer: 'approve', endResult: 'OK' });
    expect((await outcome(client, again.body.sessionId as string)).result.endResult).toBe('OK');
  });
});
