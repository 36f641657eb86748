import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/test-node.js';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('OIDC token endpoint client authentication — hashed secrets (ADR)', () => {
  let node: TestNode;
  let clientId: string;
  let clientSecret: string;
  beforeAll(async () => {
    node = await startTestNode();
    const registered = await node.ctx.clients.register(
      node.ctx.db,
      {
        client_name: 'Secret check RP',
        environment: 'sandbox',
        redirect_uris: ['https://rp.example/cb'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      'operator:test',
    );
    clientId = registered.client.clientId;
    clientSecret = registered.clientSecret;
  });
  afterAll(async () => {
    await node?.stop();
  });

  const token = (authorization: string, extra: Record<string, string> = {}) =>
    node.request('/oidc/token', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'not-a-code',
        redirect_uri: 'https://rp.example/cb',
        code_verifier: 'x'.repeat(43),
        ...extra,
      }),
    });

  it('accepts the right secret (the request then fails only on the bogus code)', async () => {
    const res = await token(basic(clientId, clientSecret));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses a wrong secret with invalid_client and audits it', async () => {
    const res = await token(basic(clientId, `${clientSecret}x`));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
    const entries = await node.ctx.db
      .selectFrom('log_entries')
      .select(['type'])
      .where('client_id', '=', clientId)
      .where('type', '=', 'client.authentication_failed')
      .execute();
    expect(entries.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses the placeholder oidc-provider holds instead of the secret', async () => {
    // What the provider keeps as client_secret is never compared: only ClientService decides.
    const placeholder = createHmac(
      'sha256',
      node.ctx.vault.deriveKey('oidc-client-secret-placeholder'),
    )
      .update(clientId)
      .digest('base64url');
    const res = await token(basic(clientId, placeholder));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('refuses an unknown client with invalid_client', async () => {
    const res = await token(basic('no-such-client', clientSecret));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('accepts client_secret_post too (oidc-provider treats both secret methods alike)', async () => {
    const res = await node.request('/oidc/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: clientId,
        client_secret: `${clientSecret}x`,
      }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('refuses a secret from a client registered for private_key_jwt', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'k1' };
    const registered = await node.ctx.clients.register(
      node.ctx.db,
      {
        client_name: 'Key RP',
        environment: 'sandbox',
        redirect_uris: ['https://key-rp.example/cb'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
      },
      'operator:test',
    );
    const res = await token(basic(registered.client.clientId, registered.clientSecret));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('answers a malformed or oversized token request with a 4xx, never a 5xx', async () => {
    const huge = await node.request('/oidc/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=${'a'.repeat(100_000)}`,
    });
    expect(huge.status).toBe(413);
    const json = await node.request('/oidc/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(json.status).toBeGreaterThanOrEqual(400);
    expect(json.status).toBeLessThan(500);
  });
});
