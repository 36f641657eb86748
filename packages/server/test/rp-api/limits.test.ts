import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activatedPerson,
  challenge,
  registerClient,
  rpCall,
  type TestClient,
} from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('push-bombing protection — F13 per-person rate limit', () => {
  let node: TestNode;
  let rp: TestClient;
  beforeAll(async () => {
    node = await startTestNode({ env: { SESSION_PERSON_LIMIT_PER_MINUTE: '3' } });
    rp = await registerClient(node);
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('refuses the request past the limit with 429 and Retry-After, and audits it', async () => {
    const target = await activatedPerson(node);
    const start = () =>
      rpCall(node, rp, 'POST', '/rp/v1/authentication', {
        subject: { nationalId: target.nationalId },
        hash: challenge().b64,
        hashType: 'SHA256',
      });
    for (let i = 0; i < 3; i++) expect((await start()).status).toBe(201);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: string }).error).toBe('rate_limited');
    const audited = await node.ctx.db
      .selectFrom('log_entries')
      .select('type')
      .where('person_id', '=', target.personId)
      .where('type', '=', 'session.rate_limited')
      .execute();
    expect(audited).toHaveLength(1);
  });

  it('limits client authentication failures per source address', async () => {
    const bad = { clientId: rp.clientId, clientSecret: 'wrong' };
    let last: Response | undefined;
    for (let i = 0; i < 21; i++) last = await rpCall(node, bad, 'GET', '/rp/v1/sessions/x');
    expect(last?.status).toBe(429);
    // While locked out even the right secret is refused from this address.
    expect((await rpCall(node, rp, 'GET', '/rp/v1/sessions/x')).status).toBe(429);
  });
});
