import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PERSONS } from '../../src/sandbox/sandbox.js';
import { challenge, rpCall } from '../support/rp.js';
import { withTestDb } from '../support/test-db.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('sandbox — F26 test persons with fixed outcomes and virtual phones', () => {
  let node: TestNode;
  let demo: { clientId: string; clientSecret: string };
  beforeAll(async () => {
    node = await startTestNode({ env: { SANDBOX: 'true' } });
    if (!node.sandbox) throw new Error('the sandbox was not seeded');
    demo = node.sandbox.client;
  });
  afterAll(async () => {
    await node?.stop();
  });

  const authenticate = async (nationalId: string, extra: Record<string, unknown> = {}) => {
    const r = await rpCall(node, demo, 'POST', '/rp/v1/authentication', {
      subject: { nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
      ...extra,
    });
    expect(r.status).toBe(201);
    const { sessionId } = (await r.json()) as { sessionId: string };
    const done = await rpCall(node, demo, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=3000`);
    return (await done.json()) as {
      state: string;
      result?: { endResult: string };
      subject?: Record<string, unknown>;
    };
  };

  it.each([
    ['PNOAZ-9000001', 'OK'],
    ['PNOAZ-9000002', 'USER_REFUSED'],
    ['PNOAZ-9000004', 'WRONG_VC'],
    ['PNOAZ-9000005', 'CERTIFICATE_INVALID'],
    ['PNOAZ-9000007', 'PIN_BLOCKED'],
  ])('%s ends %s', async (nationalId, endResult) => {
    expect((await authenticate(nationalId)).result).toEqual({ endResult });
  });

  it('the wrong-code person also picks wrongly out of three', async () => {
    expect((await authenticate('PNOAZ-9000004', { vcChoice: true })).result).toEqual({
      endResult: 'WRONG_VC',
    });
  });

  it('the silent person never answers', async () => {
    expect(await authenticate('PNOAZ-9000003')).toEqual({ state: 'RUNNING' });
  });

  it('the minor is released as not over 18', async () => {
    const done = await authenticate('PNOAZ-9000006', { claims: ['age_over_18', 'given_name'] });
    expect(done.result).toEqual({ endResult: 'OK' });
    expect(done.subject).toMatchObject({ age_over_18: false, given_name: 'Young' });
  });

  it('signs with a real certificate chained to the platform CA', async () => {
    const digest = challenge(32);
    const r = await rpCall(node, demo, 'POST', '/rp/v1/signature', {
      subject: { nationalId: 'PNOAZ-9000001' },
      hash: digest.b64,
      hashType: 'SHA256',
    });
    const { sessionId } = (await r.json()) as { sessionId: string };
    const done = (await (
      await rpCall(node, demo, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=3000`)
    ).json()) as { result: unknown; certificate: string };
    expect(done.result).toEqual({ endResult: 'OK' });
    const { X509Certificate } = await import('node:crypto');
    const cert = new X509Certificate(Buffer.from(done.certificate, 'base64'));
    const ca = new X509Certificate(await (await node.request('/pki/ca.pem')).text());
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subject).toContain('PNOAZ-9000001');
  });

  it('lists ordinary test persons with an activation code', () => {
    const ordinary = node.sandbox?.persons.filter((p) => p.activationCode) ?? [];
    expect(ordinary.length).toBeGreaterThan(0);
  });

  it('seeds idempotently: a second start keeps the client, its secret and the phones', async () => {
    const again = await startTestNode({ db: await withTestDb(), env: { SANDBOX: 'true' } });
    try {
      expect(again.sandbox?.client).toEqual(node.sandbox?.client);
      const devices = await again.ctx.db
        .selectFrom('sandbox_devices')
        .select('national_id')
        .execute();
      // One virtual phone per person with a fixed outcome (the hand-answered one included).
      expect(devices).toHaveLength(SANDBOX_PERSONS.filter((p) => p.outcome).length);
    } finally {
      await again.stop();
    }
  });
});
