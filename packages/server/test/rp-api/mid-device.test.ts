import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall, registerPerson } from '../support/admin.js';
import { challenge, registerClient, rpCall, type TestClient } from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const bin = fileURLToPath(new URL('../../../device/bin/mid-device.js', import.meta.url));
const run = promisify(execFile);

describe('mid-device against the real server (SPEC §4.4)', () => {
  let node: TestNode;
  let rp: TestClient;
  let dir: string;
  beforeAll(async () => {
    node = await startTestNode();
    rp = await registerClient(node);
    dir = mkdtempSync(join(tmpdir(), 'openmid-mid-device-'));
  });
  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('activates, then approves one authentication with --once', async () => {
    const { personId, body } = await registerPerson(node, { givenName: 'Nigar' });
    const code = (await (
      await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`)
    ).json()) as { activationCode: string };
    const state = join(dir, 'nigar.json');
    await run(process.execPath, [
      bin,
      'activate',
      '--server',
      node.url,
      '--code',
      code.activationCode,
      '--pin1',
      '2468',
      '--pin2',
      '13579',
      '--state',
      state,
    ]);

    const cli = spawn(
      process.execPath,
      [
        bin,
        'approve',
        '--state',
        state,
        '--pin1',
        '2468',
        '--pin2',
        '13579',
        '--once',
        '--timeout',
        '60',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    cli.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));

    const c = challenge();
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: body.nationalId },
      hash: c.b64,
      hashType: 'SHA256',
      displayText: 'Log in with mid-device',
    });
    const { sessionId, verificationCode } = (await r.json()) as Record<string, string>;
    const done = (await (
      await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=30000`)
    ).json()) as { result: unknown };
    expect(done.result).toEqual({ endResult: 'OK' });
    expect(await exited).toBe(0);
    expect(out).toContain(sessionId);
    expect(out).toContain(verificationCode);
    expect(out).toContain(String(rp.body.client_name));
  });
});
