import { execFile, execFileSync } from 'node:child_process';
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
