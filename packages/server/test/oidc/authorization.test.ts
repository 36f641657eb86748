import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { TestBrowser } from './support/browser.js';

const REDIRECT = 'https://shop.example/cb';

describe('authorization endpoint and the log-in page — F12, F29', () => {
  let node: TestNode;
  let config: oidc.Configuration;

  beforeAll(async () => {
    node = await startTestNode();
    const { client, clientSecret } = await node.ctx.clients.register(
      node.ctx.db,
      {
        client_name: 'Shop <&> "Co"',
        environment: 'sandbox',
        redirect_uris: [REDIRECT],
        allowed_claims: ['age_over_18'],
      },
      'operator:test',
    );
    config = await oidc.discovery(
      new URL(node.url),
      client.clientId,
      undefined,
      oidc.ClientSecretBasic(clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
  });
  afterAll(async () => {
    await node?.stop();
  });

  const authUrl = async (extra: Record<string, string> = {}) =>
    oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid age_over_18 profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 's1',
      ...extra,
    });

  it('sends the browser to the log-in page, in the language asked, under a strict CSP', async () => {
    for (const [locale, text] of [
      ['en', 'Scan with your Mobile ID wallet'],
      ['az', 'Mobil ID pul kisəsi ilə skan edin'],
      ['zh-Hant', '使用行動身分證錢包掃描'],
    ] as const) {
      const browser = new TestBrowser();
      const { url, response } = await browser.navigate(
        await authUrl({ ui_locales: locale }),
        node.url,
      );
      expect(url.pathname).toMatch(/^\/oidc\/interaction\//);
      expect(response?.status).toBe(200);
      const csp = response?.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      const html = (await response?.text()) ?? '';
      expect(html).toContain(`lang="${locale}"`);
      expect(html).toContain(text);
      // The client name is escaped; only the allowed claim is listed (profile is not allowed).
      expect(html).toContain('Shop &lt;&amp;&gt; &quot;Co&quot;');
      expect(html).not.toContain('family name');
    }
  });

  it('serves the page script and style from its own origin', async () => {
    const js = await node.request('/oidc/assets/login.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    const css = await node.request('/oidc/assets/login.css');
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('accepts a pushed authorization request (PAR) and continues to the log-in page', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const { url: landed } = await new TestBrowser().navigate(url, node.url);
    expect(landed.pathname).toMatch(/^\/oidc\/interaction\//);
  });

  it('requires PKCE with S256', async () => {
    const noPkce = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's2',
    });
    const { url } = await new TestBrowser().navigate(noPkce, node.url);
    expect(url.origin).toBe('https://shop.example');
    expect(url.searchParams.get('error')).toBe('invalid_request');
    expect(url.searchParams.get('state')).toBe('s2');
    const plain = await authUrl({ code_challenge_method: 'plain' });
    const { url: plainUrl } = await new TestBrowser().navigate(plain, node.url);
    expect(plainUrl.searchParams.get('error')).toBe('invalid_request');
  });

  it('answers prompt=none without a log-in with login_required', async () => {
    const { url } = await new TestBrowser().navigate(await authUrl({ prompt: 'none' }), node.url);
    expect(url.origin).toBe('https://shop.example');
    expect(url.searchParams.get('error')).toBe('login_required');
  });

  it('shows an error page, never a redirect, for an unregistered redirect_uri', async () => {
    const { url, response } = await new TestBrowser().navigate(
      await authUrl({ redirect_uri: 'https://evil.example/cb' }),
      node.url,
    );
    expect(url.origin).toBe(node.url);
    expect(response?.status).toBe(400);
    expect(response?.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await response?.text()).toContain('invalid_redirect_uri');
  });

  it('refuses the log-in endpoints to a browser without the interaction cookie', async () => {
    const browser = new TestBrowser();
    const { url } = await browser.navigate(await authUrl(), node.url);
    const stranger = new TestBrowser();
    const page = await stranger.fetch(url);
    expect(page.status).toBe(400);
    const start = await stranger.fetch(`${url.href}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(start.status).toBe(404);
    expect(start.headers.get('content-type')).toContain('application/problem+json');
    const cancel = await browser.navigate(`${url.href}/abort`, node.url);
    expect(cancel.url.origin).toBe('https://shop.example');
    expect(cancel.url.searchParams.get('error')).toBe('access_denied');
  });

  it('answers bad input to the start endpoint with a 400 problem', async () => {
    const browser = new TestBrowser();
    const { url } = await browser.navigate(await authUrl(), node.url);
    for (const body of ['{"identifier":"bob"}', '{"identifier":123}', '{"x":1}', 'not json']) {
      const res = await browser.fetch(`${url.href}/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('ends an RP-initiated logout on the localized success page', async () => {
    const browser = new TestBrowser();
    const { response, url } = await browser.navigate(`${node.url}/oidc/session/end`, node.url);
    expect(response?.status).toBe(200);
    const html = (await response?.text()) ?? '';
    // Without a session there is nothing to confirm: oidc-provider posts the form by itself.
    expect(html).toContain('/oidc/session/end/confirm');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const action = /action="([^"]+)"/.exec(html)?.[1] as string;
    const confirm = await browser.fetch(new URL(action, url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    expect(confirm.status).toBe(303);
    const done = await browser.navigate(
      new URL(confirm.headers.get('location') as string, url),
      node.url,
    );
    expect(await done.response?.text()).toContain('You are logged out.');
    expect(done.response?.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
