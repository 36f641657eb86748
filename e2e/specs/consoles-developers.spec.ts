import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/server/test/support/test-node.js';
import {
  collectPageErrors,
  desktopContext,
  launchBrowser,
  screenshot,
} from '../support/browser.js';
import { startPlatform, type TestNode } from '../support/platform.js';

const JOURNEY = 'consoles';
const LANGS = ['en', 'az', 'zh-Hant'] as const;

async function shootLanguages(page: Page, name: string): Promise<void> {
  for (const lang of LANGS) {
    await page.getByTestId('language').selectOption(lang);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
    await screenshot(page, JOURNEY, `${name}-${lang}`);
  }
  await page.getByTestId('language').selectOption('en');
}

/**
 * A developer's own relying party, written from the portal's guide: openid-client with the
 * client id and secret the portal handed out, code + PKCE, state and nonce.
 */
function startRelyingParty(port: number, issuer: string) {
  let credentials: { id: string; secret: string } | undefined;
  const pending = new Map<string, { verifier: string; nonce: string }>();
  let config: oidc.Configuration | undefined;
  const configOf = async () => {
    if (!credentials) throw new Error('no credentials yet');
    config ??= await oidc.discovery(
      new URL(issuer),
      credentials.id,
      undefined,
      oidc.ClientSecretBasic(credentials.secret),
      { execute: [oidc.allowInsecureRequests] },
    );
    return config;
  };
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const c = await configOf();
      if (url.pathname === '/login') {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        pending.set(state, { verifier, nonce });
        const target = oidc.buildAuthorizationUrl(c, {
          redirect_uri: redirectUri,
          scope: 'openid profile',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        res.writeHead(302, { location: target.href }).end();
        return;
      }
      if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? '';
        const flow = pending.get(state);
        if (!flow) throw new Error('unknown state');
        const tokens = await oidc.authorizationCodeGrant(c, url, {
          pkceCodeVerifier: flow.verifier,
          expectedState: state,
          expectedNonce: flow.nonce,
        });
        const claims = tokens.claims();
        // Scope claims come from userinfo (the ID token carries sub, acr, amr).
        const info = await oidc.fetchUserInfo(c, tokens.access_token, claims?.sub ?? '');
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(
            `<!doctype html><title>My app</title><h1 id="hello">Hello ${info.given_name} (${claims?.acr})</h1>`,
          );
        return;
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  return {
    redirectUri,
    url: `http://127.0.0.1:${port}`,
    setCredentials(id: string, secret: string) {
      credentials = { id, secret };
    },
    listen: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('developer portal — sign up, sandbox client, simulator, working OIDC log-in (issue 8)', () => {
  let node: TestNode;
  let browser: Browser;
  let rp: ReturnType<typeof startRelyingParty>;

  beforeAll(async () => {
    node = await startPlatform({ env: { SANDBOX: 'true' } });
    browser = await launchBrowser();
    rp = startRelyingParty(await freePort(), node.url);
    await rp.listen();
  });
  afterAll(async () => {
    await rp?.close();
    await browser?.close();
    await node?.stop();
  });

  it('a developer gets a working log-in in the sandbox through the portal alone', async () => {
    const context = await desktopContext(browser, { baseURL: node.url });
    const portal = await context.newPage();
    const errors = collectPageErrors(portal);
    await portal.goto('/developers/');
    await portal.getByTestId('signup').waitFor();
    await shootLanguages(portal, 'developers-welcome');
    await portal.locator('#su-email').fill(`dev${Date.now()}@example.org`);
    await portal.locator('#su-name').fill('Aysel Developer');
    await portal.locator('#su-app').fill('My library app');
    await portal.locator('#su-redirect').fill(rp.redirectUri);
    await portal.getByTestId('signup').click();
    await portal.getByTestId('signed-up').waitFor();
    const clientId = ((await portal.getByTestId('client-id').textContent()) ?? '').trim();
    const secret = ((await portal.getByTestId('client-secret').textContent()) ?? '').trim();
    expect(clientId.length).toBeGreaterThan(10);
    expect(secret.length).toBeGreaterThan(30);
    await shootLanguages(portal, 'developers-signed-up');
    await portal.getByTestId('continue').click();
    await portal.getByTestId('whoami').waitFor();
    await portal.getByTestId(`client-${clientId}`).waitFor();
    await shootLanguages(portal, 'developers-clients');
    await portal.goto('/developers/test-persons');
    await portal.getByRole('cell', { name: 'PNOAZ-9000020' }).waitFor();
    await shootLanguages(portal, 'developers-persons');
    await portal.goto('/developers/guide');
    await portal.locator('.snippet pre').first().waitFor();
    await expect.poll(() => portal.locator('.guide').textContent()).toContain(clientId);
    await shootLanguages(portal, 'developers-guide');
    await portal.goto('/developers/simulator');
    await portal.getByTestId('sim-empty').waitFor();

    // The developer's own app, with the credentials from the portal.
    rp.setCredentials(clientId, secret);
    const app = await context.newPage();
    await app.goto(`${rp.url}/login`);
    await app.locator('#identifier').fill('PNOAZ-9000020');
    await app.locator('#identifier-form button[type=submit]').click();
    await app.locator('#verification-code').waitFor();
    await expect
      .poll(async () => (await app.locator('#verification-code').textContent())?.trim())
      .toMatch(/^\d{4}$/);
    const shown = ((await app.locator('#verification-code').textContent()) ?? '').trim();

    // The simulator shows the request with the same code; the developer approves.
    await portal.getByTestId('sim-request').waitFor({ timeout: 30_000 });
    expect(((await portal.getByTestId('sim-code').textContent()) ?? '').trim()).toBe(shown);
    await shootLanguages(portal, 'developers-simulator');
    await portal.getByTestId('sim-approve').click();
    await app.locator('#hello').waitFor({ timeout: 30_000 });
    expect(await app.locator('#hello').textContent()).toBe(
      'Hello Simulator (http://eidas.europa.eu/LoA/substantial)',
    );
    expect(errors).toEqual([]);

    // Nobody else's session can answer on the simulator, and a real person's phone is out of reach.
    const stranger = await fetch(`${node.url}/developers/v1/simulator/requests`);
    expect(stranger.status).toBe(401);
    await context.close();
  });
});
