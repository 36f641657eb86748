import type { HistoryEntry } from '@openmid/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../support/admin.js';
import {
  activatedPerson,
  challenge,
  PIN1,
  PIN2,
  registerClient,
  rpCall,
  type TestClient,
  type TestDevice,
} from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('GET /device/v1/history — the citizen usage log (F22)', () => {
  let node: TestNode;
  let rp: TestClient;
  let leyla: TestDevice;
  let other: TestDevice;

  beforeAll(async () => {
    node = await startTestNode({ env: { SESSION_PERSON_LIMIT_PER_MINUTE: '1000' } });
    rp = await registerClient(node, { client_name: 'e-Taxes' });
    leyla = await activatedPerson(node, { givenName: 'Leyla', birthDate: '1990-04-12' });
    other = await activatedPerson(node);

    const start = async (path: string, body: Record<string, unknown>) => {
      const r = await rpCall(node, rp, 'POST', path, {
        subject: { nationalId: leyla.nationalId },
        hashType: 'SHA256',
        hash: challenge().b64,
        ...body,
      });
      expect(r.status, await r.clone().text()).toBe(201);
      const [request] = await leyla.device.pendingRequests({ timeoutMs: 5000 });
      if (!request) throw new Error('no pending request');
      return request;
    };
    // A log-in, a data release of two of three asked claims, a refusal, a signature, "not me".
    await leyla.device.approve(await start('/rp/v1/authentication', {}), PIN1);
    await leyla.device.approve(
      await start('/rp/v1/authentication', { claims: ['given_name', 'birthdate', 'family_name'] }),
      PIN1,
      { approvedClaims: ['given_name', 'birthdate'] },
    );
    await leyla.device.refuse(await start('/rp/v1/authentication', {}));
    await leyla.device.approve(await start('/rp/v1/signature', {}), PIN2);
    await leyla.device.notMe(await start('/rp/v1/authentication', {}));
    await leyla.device.sendEvent({ type: 'pin_blocked', key: 'sign' });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('lists log-ins, data releases (claim names only), refusals, signatures and security events', async () => {
    const { entries, next } = await leyla.device.history();
    expect(next).toBeUndefined();
    const summary = entries.map((e) => [e.kind, e.event, e.result, e.rpName ?? null]);
    expect(summary.slice(0, 7)).toEqual([
      ['security', 'device.pin_blocked', 'FAILED', null],
      ['security', 'session.reported_not_me', 'FAILED', 'e-Taxes'],
      ['login', 'session.auth.completed', 'USER_REFUSED', 'e-Taxes'],
      ['signature', 'session.sign.completed', 'OK', 'e-Taxes'],
      ['login', 'session.auth.completed', 'USER_REFUSED', 'e-Taxes'],
      ['data_release', 'session.auth.completed', 'OK', 'e-Taxes'],
      ['login', 'session.auth.completed', 'OK', 'e-Taxes'],
    ]);
    // Before them: registration and activation (other modules may log more at activation).
    const earlier = summary.slice(7);
    for (const event of [
      'device.activated',
      'certificate.issued',
      'activation_code.issued',
      'person.registered',
    ]) {
      expect(earlier).toContainEqual(['security', event, 'OK', null]);
    }
    expect(earlier.at(-1)).toEqual(['security', 'person.registered', 'OK', null]);
    const release = entries.find((e) => e.kind === 'data_release') as HistoryEntry;
    expect(release.claims).toEqual(['given_name', 'birthdate']);
    expect(entries[0]).toMatchObject({ key: 'sign', by: 'device' });
    // Names of claims, never their values; no ids of staff or devices.
    const text = JSON.stringify(entries);
    expect(text).not.toContain('Leyla');
    expect(text).not.toContain('1990-04-12');
    expect(text).not.toContain(leyla.deviceId);
    expect(text).not.toContain(leyla.personId);
    for (const e of entries) expect(Number.isNaN(Date.parse(e.time))).toBe(false);
  });

  it('filters by kind', async () => {
    const releases = await leyla.device.history({ kind: 'data_release' });
    expect(releases.entries.map((e) => e.claims)).toEqual([['given_name', 'birthdate']]);
    const signatures = await leyla.device.history({ kind: 'signature' });
    expect(signatures.entries.map((e) => e.event)).toEqual(['session.sign.completed']);
    const logins = await leyla.device.history({ kind: 'login' });
    expect(logins.entries.map((e) => e.result)).toEqual(['USER_REFUSED', 'USER_REFUSED', 'OK']);
  });

  it('pages with a cursor, without gaps or repeats, also when filtered', async () => {
    const all = (await leyla.device.history()).entries.map((e) => e.id);
    const seen: string[] = [];
    let before: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await leyla.device.history({ limit: 5, ...(before ? { before } : {}) });
      expect(page.entries.length).toBeLessThanOrEqual(5);
      seen.push(...page.entries.map((e) => e.id));
      if (!page.next) break;
      before = page.next;
    }
    expect(seen).toEqual(all);

    const first = await leyla.device.history({ kind: 'security', limit: 2 });
    expect(first.entries).toHaveLength(2);
    const second = await leyla.device.history({
      kind: 'security',
      limit: 100,
      before: first.next as string,
    });
    const security = (await leyla.device.history({ kind: 'security' })).entries.map((e) => e.id);
    expect([...first.entries, ...second.entries].map((e) => e.id)).toEqual(security);
    expect(second.next).toBeUndefined();
  });

  it('shows one person only their own entries', async () => {
    const { entries } = await other.device.history();
    expect(entries.some((e) => e.rpName === 'e-Taxes')).toBe(false);
    expect(entries.map((e) => e.event)).toContain('device.activated');
  });

  it('refuses calls without a valid device proof and bad queries', async () => {
    expect((await node.request('/device/v1/history')).status).toBe(401);
    const forged = await node.request('/device/v1/history', {
      headers: { dpop: 'eyJhbGciOiJub25lIn0.e30.' },
    });
    expect(forged.status).toBe(401);
    for (const q of ['kind=everything', 'limit=0', 'limit=1000', 'before=-1', 'before=abc']) {
      await expect(leyla.device.history({ ...parse(q) })).rejects.toMatchObject({ status: 400 });
    }
  });

  it('a suspended device still reads its history, and sees the suspension', async () => {
    const person = await activatedPerson(node);
    const r = await adminCall(node, 'POST', `/admin/v1/devices/${person.deviceId}/suspend`, {
      body: {},
    });
    expect(r.status, await r.clone().text()).toBe(200);
    const { entries } = await person.device.history({ kind: 'security' });
    expect(entries[0]).toMatchObject({ event: 'device.suspended', by: 'operator' });
    await expect(person.device.pendingRequests({ timeoutMs: 0 })).rejects.toMatchObject({
      status: 403,
    });
  });
});

/** Turn a query string into the SDK's options, passing bad values through unchecked. */
function parse(q: string): Record<string, never> {
  return Object.fromEntries(new URLSearchParams(q)) as Record<string, never>;
}
