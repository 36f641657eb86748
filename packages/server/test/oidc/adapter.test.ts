import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createAdapterClass } from '../../src/oidc/oidc-adapter.js';
import { withTestDb } from '../support/test-db.js';

describe('oidc-provider adapter on our database', () => {
  const clock = fixedClock(new Date('2026-01-01T00:00:00Z'));
  const make = async (model: string) => {
    const { db } = await withTestDb();
    const Adapter = createAdapterClass({
      db,
      clock,
      clients: { get: async () => undefined },
      placeholderKey: Buffer.alloc(32),
    });
    return new Adapter(model);
  };

  it('stores, finds, consumes and expires artifacts', async () => {
    const codes = await make('AuthorizationCode');
    const id = randomUUID();
    await codes.upsert(id, { accountId: 'p1', grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    expect(await codes.find(id)).toMatchObject({ accountId: 'p1', grantId: 'g1' });
    expect((await codes.find(id))?.consumed).toBeUndefined();
    await codes.consume(id);
    expect((await codes.find(id))?.consumed).toBe(Math.floor(clock.now().getTime() / 1000));
    clock.advance(61_000);
    expect(await codes.find(id)).toBeUndefined();
  });

  it('keeps models apart and finds by uid and user code', async () => {
    const sessions = await make('Session');
    const interactions = await make('Interaction');
    const id = randomUUID();
    const uid = randomUUID();
    await sessions.upsert(id, { uid, accountId: 'p2' }, 3600);
    expect(await interactions.find(id)).toBeUndefined();
    expect(await sessions.findByUid(uid)).toMatchObject({ accountId: 'p2' });
    const devices = await make('DeviceCode');
    await devices.upsert(randomUUID(), { userCode: 'ABCD-EFGH', grantId: 'g9' }, 600);
    expect(await devices.findByUserCode('ABCD-EFGH')).toMatchObject({ grantId: 'g9' });
  });

  it('revokes every artifact of a grant, and destroys one', async () => {
    const tokens = await make('AccessToken');
    const refresh = await make('RefreshToken');
    const grantId = randomUUID();
    const a = randomUUID();
    const r = randomUUID();
    await tokens.upsert(a, { grantId }, 600);
    await refresh.upsert(r, { grantId }, 600);
    await tokens.revokeByGrantId(grantId);
    expect(await tokens.find(a)).toBeUndefined();
    expect(await refresh.find(r)).toBeUndefined();
    const b = randomUUID();
    await tokens.upsert(b, { grantId: 'other' }, 600);
    await tokens.destroy(b);
    expect(await tokens.find(b)).toBeUndefined();
  });

  it('never stores clients: they come from ClientService', async () => {
    const clients = await make('Client');
    await expect(clients.upsert('c1', { client_id: 'c1' })).rejects.toThrow(/admin/);
    expect(await clients.find('c1')).toBeUndefined();
  });
});
