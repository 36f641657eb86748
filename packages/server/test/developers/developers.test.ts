import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../oidc/support/browser.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const client = (name: string) => ({
  client_name: name,
  redirect_uris: ['http://127.0.0.1:3000/callback'],
  allowed_claims: ['given_name'],
});

async function signUp(node: TestNode, email: string) {
  const browser = new TestBrowser();
  const r = await browser.fetch(`${node.url}/developers/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': email },
    body: JSON.stringify({ email, name: 'Dev', client: client(`${email} app`) }),
  });
  const body = (await r.json()) as Record<string, unknown>;
  const session = (await (
    await browser.fetch(`${node.url}/web-login/v1/developer/session`)
  ).json()) as {
    csrfToken: string;
  };
  return { status: r.status, body, browser, csrf: session.csrfToken };
}

async function call(
  node: TestNode,
  who: { browser: TestBrowser; csrf: string },
  method: string,
  path: string,
  body?: unknown,
  csrf = true,
) {
  return who.browser.fetch(`${node.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(csrf ? { 'x-csrf-token': who.csrf } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('developer portal API (issue 8) — sign-up, own clients, simulator', () => {
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode({ env: { SANDBOX: 'true', DEVELOPER_SIGNUPS_PER_HOUR: '1000' } });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('signs up once per e-mail, shows the secret once, and keeps developers apart', async () => {
    const a = await signUp(node, `a${Date.now()}@example.org`);
    expect(a.status).toBe(201);
    const aClient = a.body.client as {
      client_id: string;
      client_secret: string;
      environment: string;
    };
    expect(aClient.environment).toBe('sandbox');
    expect(aClient.client_secret.length).toBeGreaterThan(30);
    const again = await signUp(
      node,
      (a.body.client as { client_id: string }) && `A${a.body.developerId}@x.org`,
    );
    expect(again.status).toBe(201);

    // The same address (any case) cannot sign up twice.
    const email = `twice${Date.now()}@example.org`;
    expect((await signUp(node, email)).status).toBe(201);
    expect((await signUp(node, email.toUpperCase())).status).toBe(409);

    // The secret is never listed again.
    const list = await call(node, a, 'GET', '/developers/v1/clients');
    const listed = (await list.json()) as { clients: Record<string, unknown>[] };
    expect(listed.clients).toHaveLength(1);
    expect(listed.clients[0]).not.toHaveProperty('client_secret');

    // Another developer cannot see, edit or re-key A's client.
    const b = again;
    for (const [method, path, body] of [
      ['PUT', `/developers/v1/clients/${aClient.client_id}`, client('hijack')],
      ['POST', `/developers/v1/clients/${aClient.client_id}/secret`, undefined],
    ] as const) {
      expect((await call(node, b, method, path, body)).status).toBe(404);
    }
    // Writes need the CSRF token.
    expect((await call(node, a, 'POST', '/developers/v1/clients', client('x'), false)).status).toBe(
      403,
    );
    // A developer's client is always a sandbox client, and cannot be promoted by its developer.
    const created = await call(node, a, 'POST', '/developers/v1/clients', {
      ...client('second'),
    });
    expect(created.status).toBe(201);

    // Log in again with a client id and secret; a wrong secret is refused.
    const login = new TestBrowser();
    const wrong = await login.fetch(`${node.url}/developers/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: aClient.client_id, clientSecret: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    const right = await login.fetch(`${node.url}/developers/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: aClient.client_id, clientSecret: aClient.client_secret }),
    });
    expect(right.status).toBe(200);
    // The sandbox demo client has no developer: its secret does not open the portal.
    const demo = await login.fetch(`${node.url}/developers/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: node.sandbox?.client.clientId,
        clientSecret: node.sandbox?.client.clientSecret,
      }),
    });
    expect(demo.status).toBe(401);
  });

  it('the simulator answers only for the developer’s own clients and only sandbox phones', async () => {
    const a = await signUp(node, `sim-a${Date.now()}@example.org`);
    const b = await signUp(node, `sim-b${Date.now()}@example.org`);
    const aClient = a.body.client as { client_id: string; client_secret: string };
    const basic = `Basic ${Buffer.from(`${aClient.client_id}:${aClient.client_secret}`).toString('base64')}`;
    const start = await node.request('/rp/v1/authentication', {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: { nationalId: 'PNOAZ-9000020' },
        hash: Buffer.alloc(32, 7).toString('base64'),
        hashType: 'SHA256',
      }),
    });
    expect(start.status).toBe(201);
    const { sessionId } = (await start.json()) as { sessionId: string };

    // B sees nothing and cannot answer A's request.
    const bList = (await (
      await call(node, b, 'GET', '/developers/v1/simulator/requests')
    ).json()) as {
      requests: unknown[];
    };
    expect(bList.requests).toEqual([]);
    const bAnswer = await call(node, b, 'POST', `/developers/v1/simulator/requests/${sessionId}`, {
      decision: 'approve',
    });
    expect(bAnswer.status).toBe(404);

    const aList = (await (
      await call(node, a, 'GET', '/developers/v1/simulator/requests')
    ).json()) as {
      requests: { sessionId: string; nationalId: string }[];
    };
    expect(aList.requests.map((r) => r.sessionId)).toEqual([sessionId]);
    expect(aList.requests[0]?.nationalId).toBe('PNOAZ-9000020');
    const answered = await call(node, a, 'POST', `/developers/v1/simulator/requests/${sessionId}`, {
      decision: 'approve',
    });
    expect(answered.status).toBe(204);
    const result = await node.request(`/rp/v1/sessions/${sessionId}?timeoutMs=5000`, {
      headers: { authorization: basic },
    });
    const body = (await result.json()) as {
      state: string;
      result: { endResult: string };
      signature?: unknown;
    };
    expect(body.state).toBe('COMPLETE');
    expect(body.result.endResult).toBe('OK');

    // A request to a real (non-sandbox) person never shows up in the simulator.
    const real = await call(node, a, 'POST', '/developers/v1/simulator/requests/not-a-session', {
      decision: 'approve',
    });
    expect(real.status).toBe(404);
  });

  it('limits sign-ups per source address', async () => {
    // A node with a small limit over the same database: the counts are shared by all nodes.
    const strict = await startTestNode({
      env: { SANDBOX: 'true', DEVELOPER_SIGNUPS_PER_HOUR: '3' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await fetch(`${strict.url}/developers/v1/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `burst${i}-${Date.now()}@example.org`,
          name: 'Dev',
          client: client(`burst ${i}`),
        }),
      });
      statuses.push(r.status);
    }
    await strict.stop();
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(3);
  });
});
