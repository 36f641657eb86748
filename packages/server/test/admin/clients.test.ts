import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall, createStaff } from '../support/admin.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('POST /admin/v1/clients — SPEC §4.5, F26', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('registers a client and returns RFC 7591 client information with the secret once', async () => {
    const r = await adminCall(node, 'POST', '/admin/v1/clients', {
      body: {
        client_name: 'e-Taxes',
        environment: 'production',
        redirect_uris: ['https://taxes.example.az/cb'],
        allowed_claims: ['given_name', 'family_name'],
        software_statement_unknown_member: 'ignored',
      },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      client_name: 'e-Taxes',
      environment: 'production',
      redirect_uris: ['https://taxes.example.az/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      subject_type: 'pairwise',
      allowed_claims: ['given_name', 'family_name'],
      client_secret_expires_at: 0,
    });
    expect(body).not.toHaveProperty('software_statement_unknown_member');
    expect(body.client_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(typeof body.client_id_issued_at).toBe('number');

    const read = await adminCall(node, 'GET', `/admin/v1/clients/${body.client_id}`);
    expect(read.status).toBe(200);
    const info = (await read.json()) as Record<string, unknown>;
    expect(info).not.toHaveProperty('client_secret');
    expect(info.status).toBe('active');
    const authenticated = await node.ctx.clients.authenticate(
      node.ctx.db,
      body.client_id as string,
      body.client_secret as string,
    );
    expect(authenticated?.clientName).toBe('e-Taxes');
  });

  it('lets an officer register and refuses an auditor (403) and no token (401)', async () => {
    const officer = await createStaff(node, 'officer');
    const ok = await adminCall(node, 'POST', '/admin/v1/clients', {
      token: officer.token,
      body: { client_name: 'Clinic', environment: 'sandbox' },
    });
    expect(ok.status).toBe(201);
    const auditor = await createStaff(node, 'auditor');
    const no = await adminCall(node, 'POST', '/admin/v1/clients', {
      token: auditor.token,
      body: { client_name: 'Clinic', environment: 'sandbox' },
    });
    expect(no.status).toBe(403);
    const anon = await adminCall(node, 'POST', '/admin/v1/clients', {
      token: null,
      body: { client_name: 'Clinic', environment: 'sandbox' },
    });
    expect(anon.status).toBe(401);
  });

  it('refuses a production client with localhost, loopback or private URLs', async () => {
    const r = await adminCall(node, 'POST', '/admin/v1/clients', {
      body: {
        client_name: 'Sneaky',
        environment: 'production',
        grant_types: ['urn:openid:params:grant-type:ciba'],
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: 'https://169.254.169.254/notify',
        jwks_uri: 'http://localhost/jwks.json',
      },
    });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: string; problems: string[] };
    expect(body.error).toBe('invalid_request');
    expect(body.problems.length).toBeGreaterThanOrEqual(3);
  });

  it('accepts the same URLs for a sandbox CIBA client', async () => {
    const r = await adminCall(node, 'POST', '/admin/v1/clients', {
      body: {
        client_name: 'Call centre (sandbox)',
        environment: 'sandbox',
        grant_types: ['urn:openid:params:grant-type:ciba'],
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: 'http://localhost:4000/notify',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'http://localhost:4000/jwks.json',
      },
    });
    expect(r.status).toBe(201);
  });

  it.each([
    ['not JSON', { rawBody: '{' }, 'invalid_json'],
    ['an array', { rawBody: '[]' }, 'invalid_request'],
    ['no name', { body: { environment: 'sandbox' } }, 'invalid_request'],
  ])('refuses %s with 400', async (_what, options, error) => {
    const r = await adminCall(node, 'POST', '/admin/v1/clients', options);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toBe(error);
  });

  it('answers 404 for an unknown client', async () => {
    expect((await adminCall(node, 'GET', '/admin/v1/clients/nope')).status).toBe(404);
  });
});
