import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('ClientService — F26 client credentials, F25 pairwise subjects', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('registers a client, shows the secret once and stores only a keyed hash of it', async () => {
    const { client, clientSecret } = await node.ctx.clients.register(
      node.ctx.db,
      { client_name: 'Tax portal', environment: 'production', allowed_claims: ['given_name'] },
      'operator:test',
    );
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await node.ctx.db
      .selectFrom('clients')
      .selectAll()
      .where('client_id', '=', client.clientId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(clientSecret);
    expect(Buffer.from(row.secret_hash).includes(Buffer.from(clientSecret))).toBe(false);
    expect((await node.ctx.clients.get(node.ctx.db, client.clientId))?.allowedClaims).toEqual([
      'given_name',
    ]);
    const entries = await node.ctx.db
      .selectFrom('log_entries')
      .select(['type', 'actor'])
      .where('client_id', '=', client.clientId)
      .execute();
    expect(entries).toEqual([{ type: 'client.registered', actor: 'operator:test' }]);
  });

  it('authenticates the right secret only', async () => {
    const { client, clientSecret } = await node.ctx.clients.register(
      node.ctx.db,
      { client_name: 'Bank', environment: 'sandbox' },
      'operator:test',
    );
    const db = node.ctx.db;
    expect((await node.ctx.clients.authenticate(db, client.clientId, clientSecret))?.clientId).toBe(
      client.clientId,
    );
    expect(await node.ctx.clients.authenticate(db, client.clientId, `${clientSecret}x`)).toBe(
      undefined,
    );
    expect(await node.ctx.clients.authenticate(db, client.clientId, '')).toBe(undefined);
    expect(await node.ctx.clients.authenticate(db, 'no-such-client', clientSecret)).toBe(undefined);
  });

  it('gives clients of different sectors different pairwise subjects, and one sector one', async () => {
    const db = node.ctx.db;
    const reg = (name: string, host: string) =>
      node.ctx.clients.register(
        db,
        { client_name: name, environment: 'sandbox', redirect_uris: [`https://${host}/cb`] },
        'operator:test',
      );
    const a = (await reg('A', 'a.example')).client;
    const a2 = (await reg('A2', 'a.example')).client;
    const b = (await reg('B', 'b.example')).client;
    const person = '0b6f3c9e-0000-4000-8000-000000000001';
    const subA = node.ctx.clients.pairwiseSubject(a, person);
    expect(subA).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(node.ctx.clients.pairwiseSubject(a2, person)).toBe(subA);
    expect(node.ctx.clients.pairwiseSubject(b, person)).not.toBe(subA);
    expect(node.ctx.clients.pairwiseSubject(a, '0b6f3c9e-0000-4000-8000-000000000002')).not.toBe(
      subA,
    );
  });

  it('refuses invalid metadata with one invalid_request listing every problem', async () => {
    await expect(
      node.ctx.clients.register(
        node.ctx.db,
        { client_name: '', environment: 'production', redirect_uris: ['http://127.0.0.1/cb'] },
        'operator:test',
      ),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
