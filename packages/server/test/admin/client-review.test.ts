import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall, createStaff } from '../support/admin.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

async function register(node: TestNode, redirect: string): Promise<string> {
  const r = await adminCall(node, 'POST', '/admin/v1/clients', {
    body: { client_name: 'Review me', environment: 'sandbox', redirect_uris: [redirect] },
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { client_id: string }).client_id;
}

describe('relying-party review by operators (issue 8): list, promote, rotate, disable', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('promotes only what passes the production rules, once, and audits it', async () => {
    const good = await register(node, 'https://rp.example.org/cb');
    const local = await register(node, 'http://127.0.0.1:3000/cb');
    const listed = (await (
      await adminCall(node, 'GET', '/admin/v1/clients?environment=sandbox')
    ).json()) as {
      clients: { client_id: string }[];
    };
    expect(listed.clients.map((c) => c.client_id)).toEqual(expect.arrayContaining([good, local]));

    const promoted = await adminCall(node, 'POST', `/admin/v1/clients/${good}/promote`);
    expect(promoted.status).toBe(200);
    expect(await promoted.json()).toMatchObject({ environment: 'production' });
    expect((await adminCall(node, 'POST', `/admin/v1/clients/${good}/promote`)).status).toBe(409);
    const refused = await adminCall(node, 'POST', `/admin/v1/clients/${local}/promote`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_request' });
    const entries = await node.ctx.db
      .selectFrom('log_entries')
      .select('client_id')
      .where('type', '=', 'client.promoted')
      .execute();
    expect(entries.map((e) => e.client_id)).toContain(good);
  });

  it('a new secret replaces the old one; a disabled client cannot authenticate', async () => {
    const id = await register(node, 'https://rp2.example.org/cb');
    const rotated = await adminCall(node, 'POST', `/admin/v1/clients/${id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const { client_secret } = (await rotated.json()) as { client_secret: string };
    expect(await node.ctx.clients.authenticate(node.ctx.db, id, client_secret)).toBeDefined();
    expect((await adminCall(node, 'POST', `/admin/v1/clients/${id}/disable`)).status).toBe(200);
    expect(await node.ctx.clients.authenticate(node.ctx.db, id, client_secret)).toBeUndefined();
    expect((await adminCall(node, 'POST', `/admin/v1/clients/${id}/enable`)).status).toBe(200);
  });

  it('refuses officers and auditors, and changes to the built-in clients', async () => {
    const id = await register(node, 'https://rp3.example.org/cb');
    for (const role of ['officer', 'auditor'] as const) {
      const { token } = await createStaff(node, role);
      expect((await adminCall(node, 'GET', '/admin/v1/clients', { token })).status).toBe(200);
      for (const action of ['promote', 'secret', 'disable']) {
        const r = await adminCall(node, 'POST', `/admin/v1/clients/${id}/${action}`, { token });
        expect(r.status, `${role} ${action}`).toBe(403);
      }
    }
    for (const action of ['promote', 'secret']) {
      const r = await adminCall(node, 'POST', `/admin/v1/clients/openmid-console/${action}`);
      expect(r.status).toBe(409);
    }
    expect((await adminCall(node, 'POST', '/admin/v1/clients/no-such/disable')).status).toBe(404);
  });
});
