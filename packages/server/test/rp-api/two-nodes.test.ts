import { DeviceClient } from '@openmid/device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/db.js';
import {
  activatedPerson,
  challenge,
  PIN1,
  registerClient,
  rpCall,
  type TestClient,
  type TestDevice,
} from '../support/rp.js';
import { usingPostgres, withTestDb } from '../support/test-db.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('scale-out — two nodes on one database (SPEC §5)', () => {
  let a: TestNode;
  let b: TestNode;
  let rp: TestClient;
  let person: TestDevice;
  let onB: DeviceClient;

  beforeAll(async () => {
    const shared = await withTestDb();
    a = await startTestNode({ db: shared });
    // On PostgreSQL node B has its own pool and its own LISTEN connection, as a second process would.
    const second = usingPostgres && shared.url ? await openPostgres(shared.url) : shared;
    b = await startTestNode({ db: second });
    rp = await registerClient(a);
    person = await activatedPerson(a);
    onB = new DeviceClient({ serverUrl: b.url, keyStore: person.device.keyStore });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('a session started on A and answered through B is collected on A', async () => {
    const r = await rpCall(a, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: person.nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    const { sessionId } = (await r.json()) as { sessionId: string };
    // On PostgreSQL the long poll on A is woken by B's NOTIFY; on PGlite (one process, one
    // in-process bus per node) it re-reads the database when its wait ends.
    const waitMs = usingPostgres ? 30_000 : 1_500;
    const t0 = Date.now();
    const waiting = rpCall(a, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=${waitMs}`);
    const [request] = await onB.pendingRequests({ timeoutMs: 5000 });
    expect(request?.sessionId).toBe(sessionId);
    expect(await onB.approve(request as NonNullable<typeof request>, PIN1)).toEqual({
      endResult: 'OK',
    });
    const done = (await (await waiting).json()) as { result: unknown; subject: { sub: string } };
    expect(done.result).toEqual({ endResult: 'OK' });
    if (usingPostgres) expect(Date.now() - t0).toBeLessThan(waitMs);
    expect(done.subject.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a device waiting on B hears of a session started on A', async () => {
    const waiting = onB.pendingRequests({ timeoutMs: usingPostgres ? 30_000 : 1_500 });
    await new Promise((r) => setTimeout(r, 100));
    const r = await rpCall(a, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: person.nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    const { sessionId } = (await r.json()) as { sessionId: string };
    let requests = await waiting;
    if (requests.length === 0) requests = await onB.pendingRequests({ timeoutMs: 0 });
    expect(requests.map((q) => q.sessionId)).toEqual([sessionId]);
    await onB.refuse(requests[0] as NonNullable<(typeof requests)[0]>);
    const done = await (await rpCall(b, rp, 'GET', `/rp/v1/sessions/${sessionId}`)).json();
    expect(done).toEqual({ state: 'COMPLETE', result: { endResult: 'USER_REFUSED' } });
  });
});
