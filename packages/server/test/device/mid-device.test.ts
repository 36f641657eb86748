import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall, registerPerson } from '../support/admin.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { openssl } from '../support/pki.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const PIN1 = '1357';
const PIN2 = '24680';

/** The `mid-device` bin as an integrator runs it (asynchronously: the server is in this process). */
function midDevice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      `${ROOT}node_modules/.bin/mid-device`,
      args,
      { timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('register → activation code → mid-device activate — SPEC F2, F4, §4.4', () => {
  let node: TestNode;
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    node = await startTestNode();
    dir = await mkdtemp(join(tmpdir(), 'openmid-mid-device-'));
  });
  afterAll(async () => {
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('activates the simulator, whose certificates chain to the CA; the code works once', async () => {
    const { personId, body } = await registerPerson(node, { givenName: 'Kamran' });
    const code = await (
      await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`)
    ).json();
    const state = join(dir, 'phone.json');
    const activated = await midDevice([
      'activate',
      '--server',
      node.url,
      '--code',
      code.activationCode,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--state',
      state,
    ]);
    expect(activated.stderr).toBe('');
    expect(activated.code).toBe(0);

    const status = await midDevice(['status', '--state', state]);
    expect(status.code).toBe(0);
    const out = JSON.parse(status.stdout);
    const text = JSON.stringify(out);
    expect(text).toContain(String(body.nationalId));
    const pems = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(pems.length).toBeGreaterThanOrEqual(2);
    await writeFile(join(dir, 'root.pem'), await (await node.request('/pki/root.pem')).text());
    await writeFile(join(dir, 'ca.pem'), await (await node.request('/pki/ca.pem')).text());
    for (const [i, p] of pems.slice(0, 2).entries()) {
      const file = join(dir, `leaf${i}.pem`);
      await writeFile(file, `${p.replace(/\\n/g, '\n')}\n`);
      const verified = await openssl([
        'verify',
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'ca.pem'),
        file,
      ]);
      expect(verified.out).toContain(': OK');
    }

    // The server's view agrees: one active device with two good certificates.
    const devices = await (
      await adminCall(node, 'GET', `/admin/v1/persons/${personId}/devices`)
    ).json();
    expect(devices.devices).toHaveLength(1);
    expect(devices.devices[0].status).toBe('active');

    // A PIN change on the phone reaches the citizen's log through a device proof.
    const changed = await midDevice([
      'set-pin',
      '--state',
      state,
      '--pin1',
      PIN1,
      '--new-pin1',
      '9753',
    ]);
    expect(changed.code).toBe(0);
    const events = await node.ctx.audit.listForPerson(node.ctx.db, personId, {
      types: ['device.pin_changed'],
      limit: 5,
    });
    expect(events).toHaveLength(1);

    // The code is spent: a second phone cannot use it.
    const again = await midDevice([
      'activate',
      '--server',
      node.url,
      '--code',
      code.activationCode,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--state',
      join(dir, 'second.json'),
    ]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/activation_code_invalid|not valid/);
  });
});
