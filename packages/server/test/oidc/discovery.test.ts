import type { JWK } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSigningKeys } from '../../src/oidc/oidc-keys.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('OIDC discovery and keys — SPEC §4.2, F12', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('publishes discovery with issuer = PUBLIC_URL, read by openid-client', async () => {
    const config = await client.discovery(new URL(node.url), 'probe', undefined, undefined, {
      execute: [client.allowInsecureRequests],
    });
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(node.ctx.config.publicUrl);
    expect(meta.authorization_endpoint).toBe(`${node.url}/oidc/auth`);
    expect(meta.token_endpoint).toBe(`${node.url}/oidc/token`);
    expect(meta.jwks_uri).toBe(`${node.url}/oidc/jwks`);
    expect(meta.userinfo_endpoint).toBe(`${node.url}/oidc/me`);
    expect(meta.backchannel_authentication_endpoint).toBe(`${node.url}/oidc/backchannel`);
    expect(meta.pushed_authorization_request_endpoint).toBe(`${node.url}/oidc/par`);
    expect(meta.end_session_endpoint).toBe(`${node.url}/oidc/session/end`);
    expect(meta.code_challenge_methods_supported).toContain('S256');
    expect(meta.subject_types_supported).toEqual(['pairwise']);
    expect(meta.backchannel_token_delivery_modes_supported).toEqual(['poll', 'ping']);
    expect(meta.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ]);
    expect(meta.acr_values_supported).toEqual([
      'http://eidas.europa.eu/LoA/substantial',
      'http://eidas.europa.eu/LoA/high',
    ]);
    for (const claim of ['given_name', 'birthdate', 'age_over_18', 'national_id', 'picture']) {
      expect(meta.claims_supported).toContain(claim);
    }
  });

  it('builds endpoint URLs from PUBLIC_URL, never from the Host a client sends', async () => {
    const res = await node.request('/.well-known/openid-configuration', {
      headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    const meta = (await res.json()) as Record<string, string>;
    expect(meta.token_endpoint).toBe(`${node.url}/oidc/token`);
    expect(JSON.stringify(meta)).not.toContain('evil.example');
  });

  it('never offers what needs the client secret in plaintext (HS*, client_secret_jwt, symmetric JWE)', async () => {
    const meta = (await (await node.request('/.well-known/openid-configuration')).json()) as Record<
      string,
      string[]
    >;
    const everything = JSON.stringify(meta);
    expect(everything).not.toMatch(/"HS(256|384|512)"/);
    expect(everything).not.toContain('client_secret_jwt');
    expect(everything).not.toMatch(/"(dir|A128KW|A192KW|A256KW|PBES2[^"]*)"/);
    expect([...(meta.id_token_signing_alg_values_supported ?? [])].sort()).toEqual([
      'ES256',
      'RS256',
    ]);
  });

  it('publishes an ES256 and an RS256 public key, sealed at rest', async () => {
    const jwks = (await (await node.request('/oidc/jwks')).json()) as { keys: JWK[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(key).not.toHaveProperty(member);
    }
    const rows = await node.ctx.db.selectFrom('oidc_signing_keys').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.sealed.startsWith('v1.')).toBe(true);
      expect(row.sealed).not.toContain('"d"');
    }
  });

  it('rotates: new keys are published and sign, the old ones stay for verification', async () => {
    const before = (await (await node.request('/oidc/jwks')).json()) as { keys: JWK[] };
    const kids = await rotateSigningKeys(node.ctx.db, node.ctx.vault, node.ctx.clock);
    // Another node (or this one after its reload) serves the rotated set.
    const second = await startTestNode();
    try {
      const after = (await (await second.request('/oidc/jwks')).json()) as { keys: JWK[] };
      const afterKids = after.keys.map((k) => k.kid);
      for (const kid of kids) expect(afterKids).toContain(kid);
      for (const key of before.keys) expect(afterKids).toContain(key.kid);
      // The newest key of each algorithm comes first: oidc-provider signs with it.
      expect(afterKids.slice(0, 2).sort()).toEqual([...kids].sort());
    } finally {
      await second.stop();
    }
  });

  it('answers an unknown OIDC path with an OAuth error, and leaves other routes to Fastify', async () => {
    const res = await node.request('/oidc/nope');
    expect(res.status).toBe(404);
    const other = await node.request('/no-such-route');
    expect(other.headers.get('content-type')).toContain('application/problem+json');
  });
});
