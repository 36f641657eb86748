import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeviceClient, SoftwareKeyStore } from '@openmid/device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challenge, PIN1, rpCall } from '../support/rp.js';
import { createTestDatabaseUrl, usingPostgres } from '../support/test-db.js';
import { freePort } from '../support/test-node.js';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ADMIN = `kill-test-admin-${randomBytes(8).toString('hex')}`;
const MASTER = randomBytes(32).toString('hex');

interface Proc {
  child: ChildProcess;
  url: string;
  request(path: string, init?: RequestInit): Promise<Response>;
}

async function startProcess(databaseUrl: string, dataDir: string): Promise<Proc> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      ADMIN_TOKEN: ADMIN,
      MASTER_KEY: MASTER,
      SANDBOX: 'false',
      LOG_LEVEL: 'silent',
      SESSION_TIMEOUT_SECONDS: '5',
      SESSION_PERSON_LIMIT_PER_MINUTE: '100000',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, request: (path, init) => fetch(`${url}${path}`, init) };
}

/** SPEC §5 reliability and scale-out: two server processes on one PostgreSQL, one killed. */
describe.skipIf(!usingPostgres)('kill -9 of one of two nodes under load', () => {
  let a: Proc;
  let b: Proc;
  let dir: string;
  beforeAll(async () => {
    const db = await createTestDatabaseUrl();
    dir = mkdtempSync(join(tmpdir(), 'openmid-kill-'));
    a = await startProcess(db, dir);
    b = await startProcess(db, dir);
  });
  afterAll(async () => {
    for (const p of [a, b]) p?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no completed session; every started one ends; the survivor keeps serving', async () => {
    const admin = async (path: string, body?: unknown) => {
      const r = await a.request(path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ADMIN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      expect(r.status, await r.clone().text()).toBe(201);
      return (await r.json()) as Record<string, string>;
    };
    const client = await admin('/admin/v1/clients', {
      client_name: 'Kill RP',
      environment: 'sandbox',
    });
    const rp = {
      clientId: client.client_id as string,
      clientSecret: client.client_secret as string,
    };
    const persons: { nationalId: string; keyStore: SoftwareKeyStore }[] = [];
    for (let i = 0; i < 6; i++) {
      const nationalId = `PNOAZ-K${randomBytes(4).toString('hex').toUpperCase()}`;
      const { personId } = await admin('/admin/v1/persons', {
        nationalId,
        givenName: 'Kill',
        familyName: `Test${i}`,
        birthDate: '1990-01-01',
        phone: `+99451${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      });
      const { activationCode } = (await admin(
        `/admin/v1/persons/${personId}/activation-codes`,
      )) as {
        activationCode: string;
      };
      const provisioning = await SoftwareKeyStore.provision({
        pin1: PIN1,
        pin2: '12345',
        kdfIterations: 1,
      });
      const { keyStore } = await DeviceClient.activate({
        serverUrl: a.url,
        activationCode,
        provisioning,
      });
      persons.push({ nationalId, keyStore: keyStore as SoftwareKeyStore });
    }

    const started: string[] = [];
    const completedOk: string[] = [];
    let killed = false;
    const loop = async (p: (typeof persons)[number], index: number) => {
      for (let round = 0; round < 8; round++) {
        // Alternate the nodes; after the kill only A is used.
        const startOn = killed || (round + index) % 2 === 0 ? a : b;
        const answerOn = killed || (round + index) % 2 === 1 ? a : b;
        try {
          const r = await rpCall(startOn, rp, 'POST', '/rp/v1/authentication', {
            subject: { nationalId: p.nationalId },
            hash: challenge().b64,
            hashType: 'SHA256',
          });
          if (r.status !== 201) continue;
          const { sessionId } = (await r.json()) as { sessionId: string };
          started.push(sessionId);
          const device = new DeviceClient({ serverUrl: answerOn.url, keyStore: p.keyStore });
          const [request] = await device.pendingRequests({ timeoutMs: 2000 });
          if (!request) continue;
          const answer = await device.approve(request, PIN1);
          if (answer.endResult === 'OK') completedOk.push(sessionId);
        } catch {
          // A call to the killed node fails; the loop goes on with the next round.
        }
      }
    };
    const running = persons.map(loop);
    await new Promise((r) => setTimeout(r, 400));
    b.child.kill('SIGKILL');
    killed = true;
    await Promise.all(running);

    expect(completedOk.length).toBeGreaterThan(0);
    const final = new Map<string, string>();
    for (const sessionId of started) {
      const r = await rpCall(a, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=8000`);
      const body = (await r.json()) as { state: string; result?: { endResult: string } };
      expect(body.state).toBe('COMPLETE');
      final.set(sessionId, body.result?.endResult ?? '');
    }
    for (const sessionId of completedOk) expect(final.get(sessionId)).toBe('OK');
    // The survivor still serves a whole authentication.
    const r = await rpCall(a, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: persons[0]?.nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    expect(r.status).toBe(201);
  });
});
