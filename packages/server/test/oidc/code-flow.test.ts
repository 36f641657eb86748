import { compactDecrypt, createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { TestBrowser } from './support/browser.js';
import { type Citizen, PIN1, registerCitizen } from './support/citizen.js';

const REDIRECT = 'https://etax.example/callback';

interface LoginStart {
  browser: TestBrowser;
  interaction: URL;
  verifier: string;
  state: string;
  nonce: string;
}

describe('authorization code + PKCE through the log-in page — F12, F14', () => {
  let node: TestNode;
  let citizen: Citizen;
  let config: oidc.Configuration;
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    node = await startTestNode();
    const registered = await node.ctx.clients.register(
      node.ctx.db,
      {
        client_name: 'e-Tax portal',
        environment: 'sandbox',
        redirect_uris: [REDIRECT],
        post_logout_redirect_uris: ['https://etax.example/bye'],
        allowed_claims: ['given_name', 'family_name', 'birthdate', 'age_over_18'],
      },
      'operator:test',
    );
    clientId = registered.client.clientId;
    clientSecret = registered.clientSecret;
    config = await oidc.discovery(
      new URL(node.url),
      clientId,
      undefined,
      oidc.ClientSecretBasic(registered.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    citizen = await registerCitizen(node);
  });
  afterAll(async () => {
    await node?.stop();
  });

  async function startLogin(params: Record<string, string> = {}): Promise<LoginStart> {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...params,
    });
    const browser = new TestBrowser();
    const { url: interaction, response } = await browser.navigate(url, node.url);
    expect(response?.status).toBe(200);
    expect(interaction.pathname).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    const html = await response?.text();
    expect(html).toContain('e-Tax portal');
    expect(response?.headers.get('content-security-policy')).toContain("script-src 'self'");
    return { browser, interaction, verifier, state, nonce };
  }

  async function phoneLogin(
    login: LoginStart,
    answer: (request: Awaited<ReturnType<Citizen['nextRequest']>>) => Promise<unknown>,
  ): Promise<{ endResult: string; next?: string }> {
    const start = await login.browser.fetch(`${login.interaction.href}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: citizen.nationalId }),
    });
    expect(start.status).toBe(200);
    const { verificationCode } = (await start.json()) as { verificationCode: string };
    expect(verificationCode).toMatch(/^\d{4}$/);
    const request = await citizen.nextRequest();
    expect(request.verificationCode).toBe(verificationCode);
    expect(request.rpName).toBe('e-Tax portal');
    await answer(request);
    for (;;) {
      const res = await login.browser.fetch(`${login.interaction.href}/status`);
      expect(res.status).toBe(200);
      const status = (await res.json()) as { state: string; endResult: string; next?: string };
      if (status.state === 'COMPLETE') return status;
    }
  }

  async function finish(login: LoginStart, next: string): Promise<URL> {
    const { url } = await login.browser.navigate(new URL(next, node.url), node.url);
    expect(url.origin).toBe('https://etax.example');
    return url;
  }

  it('logs in, releases only the claims approved on the phone, with the pairwise sub', async () => {
    const login = await startLogin({ claims: JSON.stringify({ id_token: { birthdate: null } }) });
    const status = await phoneLogin(login, async (request) => {
      expect(request.claims?.sort()).toEqual(['birthdate', 'family_name', 'given_name']);
      return citizen.device.approve(request, PIN1, {
        approvedClaims: ['given_name', 'birthdate'],
      });
    });
    expect(status.endResult).toBe('OK');
    const callback = await finish(login, status.next as string);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
    });
    const claims = tokens.claims();
    const record = await node.ctx.clients.get(node.ctx.db, clientId);
    const expectedSub = node.ctx.clients.pairwiseSubject(
      record as NonNullable<typeof record>,
      citizen.personId,
    );
    expect(claims?.sub).toBe(expectedSub);
    expect(claims?.sub).not.toBe(citizen.personId);
    expect(claims?.acr).toBe('http://eidas.europa.eu/LoA/substantial');
    expect(claims?.amr).toEqual(['pin', 'swk', 'mfa']);
    expect(claims?.birthdate).toBe('1990-04-12');
    // The ID token verifies against the published JWKS (the independent check, with jose).
    const jwks = createRemoteJWKSet(new URL(`${node.url}/oidc/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token as string, jwks, {
      issuer: node.ctx.config.publicUrl,
      audience: clientId,
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.nonce).toBe(login.nonce);

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, expectedSub);
    expect(userinfo.given_name).toBe('Aysel');
    expect(userinfo).not.toHaveProperty('family_name');
    expect(userinfo).not.toHaveProperty('name');
    expect(userinfo).not.toHaveProperty('national_id');

    const released = await node.ctx.db
      .selectFrom('log_entries')
      .select(['entry_json'])
      .where('person_id', '=', citizen.personId)
      .where('type', '=', 'claims.released')
      .execute();
    expect(released.length).toBe(1);
    const entry = released[0]?.entry_json ?? '';
    expect(entry).toContain('given_name');
    expect(entry).not.toContain('Aysel');
    expect(entry).not.toContain('1990-04-12');
  });

  it('refuses a tampered code, a wrong redirect_uri, a missing verifier and a replayed code', async () => {
    const login = await startLogin();
    const status = await phoneLogin(login, (request) =>
      citizen.device.approve(request, PIN1, { approvedClaims: [] }),
    );
    const callback = await finish(login, status.next as string);
    const code = callback.searchParams.get('code') as string;
    const exchange = async (extra: Record<string, string>) => {
      const res = await node.request('/oidc/token', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT,
          code_verifier: login.verifier,
          ...extra,
        }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const tampered = await exchange({ code: `${code.slice(0, -2)}xx` });
    expect(tampered).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const wrongRedirect = await exchange({ redirect_uri: 'https://etax.example/other' });
    expect(wrongRedirect).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const wrongVerifier = await exchange({ code_verifier: oidc.randomPKCECodeVerifier() });
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const noVerifier = await exchange({ code_verifier: '' });
    expect(noVerifier.status).toBe(400);
    const ok = await exchange({});
    expect(ok.status).toBe(200);
    expect(typeof ok.body.id_token).toBe('string');
    const replay = await exchange({});
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('returns access_denied to the client when the phone refuses', async () => {
    const login = await startLogin();
    const status = await phoneLogin(login, (request) => citizen.device.refuse(request));
    expect(status.endResult).toBe('USER_REFUSED');
    const { url } = await login.browser.navigate(`${login.interaction.href}/abort`, node.url);
    expect(url.origin).toBe('https://etax.example');
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(login.state);
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 'xyz',
    });
    const { url: landed } = await new TestBrowser().navigate(url, node.url);
    expect(landed.origin).toBe('https://etax.example');
    expect(landed.searchParams.get('error')).toBe('invalid_request');
  });

  it('binds the interaction to the browser that started it', async () => {
    const login = await startLogin();
    const stranger = new TestBrowser();
    const res = await stranger.fetch(`${login.interaction.href}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(res.status).toBe(404);
  });
});

describe('encrypted ID token (JWE) for a client with an encryption key — F12', () => {
  let node: TestNode;
  let citizen: Citizen;

  beforeAll(async () => {
    node = await startTestNode();
    citizen = await registerCitizen(node);
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('encrypts to the client key; the inner token verifies against the JWKS', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', {
      extractable: true,
    });
    const encJwk = {
      ...(await exportJWK(publicKey)),
      alg: 'RSA-OAEP-256',
      use: 'enc',
      kid: 'enc-1',
    };
    const { client, clientSecret } = await node.ctx.clients.register(
      node.ctx.db,
      {
        client_name: 'Hospital',
        environment: 'sandbox',
        redirect_uris: [REDIRECT],
        jwks: { keys: [encJwk] },
        id_token_encrypted_response_alg: 'RSA-OAEP-256',
        id_token_encrypted_response_enc: 'A256GCM',
        allowed_claims: ['given_name'],
      },
      'operator:test',
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const config = await oidc.discovery(
      new URL(node.url),
      client.clientId,
      undefined,
      oidc.ClientSecretBasic(clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new TestBrowser();
    const { url: interaction } = await browser.navigate(url, node.url);
    const start = await browser.fetch(`${interaction.href}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: citizen.phone }),
    });
    expect(start.status).toBe(200);
    await citizen.device.approve(await citizen.nextRequest(), PIN1);
    let next: string | undefined;
    while (!next) {
      const status = (await (await browser.fetch(`${interaction.href}/status`)).json()) as {
        next?: string;
      };
      next = status.next;
    }
    const { url: callback } = await browser.navigate(new URL(next, node.url), node.url);
    const res = await node.request('/oidc/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') as string,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      }),
    });
    const tokens = (await res.json()) as { id_token: string };
    expect(tokens.id_token.split('.')).toHaveLength(5);
    const { plaintext, protectedHeader } = await compactDecrypt(tokens.id_token, privateKey);
    expect(protectedHeader).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    const jwks = createRemoteJWKSet(new URL(`${node.url}/oidc/jwks`));
    const { payload } = await jwtVerify(new TextDecoder().decode(plaintext), jwks, {
      issuer: node.ctx.config.publicUrl,
      audience: client.clientId,
    });
    expect(typeof payload.sub).toBe('string');
    expect(payload.acr).toBe('http://eidas.europa.eu/LoA/substantial');
  });
});
