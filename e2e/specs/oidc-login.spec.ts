import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  nssDbTrusting,
  pdfsig,
  scratchDir,
} from '../../packages/server/test/support/pdf-oracles.js';
import {
  activatedPerson,
  PIN1,
  registerClient,
  type TestDevice,
} from '../../packages/server/test/support/rp.js';
import {
  collectPageErrors,
  desktopContext,
  launchBrowser,
  screenshot,
} from '../support/browser.js';
import { startPlatform, type TestNode } from '../support/platform.js';

/**
 * Log in with Mobile ID through OpenID Connect in a real browser (issue 5, SPEC F12, F14):
 * `openid-client` is the independent relying party, Chromium shows the platform's log-in page,
 * the device SDK in this process is the phone. Then the sandbox's demo RP end to end.
 * Screenshots: test-output/screenshots/oidc-login/.
 */
const JOURNEY = 'oidc-login';
const REDIRECT = 'https://etax.example/callback';
const LANGS = ['en', 'az', 'zh-Hant'] as const;

let node: TestNode;
let browser: Browser;
let config: oidc.Configuration;
let clientId: string;
let leyla: TestDevice;

beforeAll(async () => {
  node = await startPlatform({ env: { SANDBOX: 'true', SESSION_TIMEOUT_SECONDS: '6' } });
  browser = await launchBrowser();
  const client = await registerClient(node, {
    client_name: 'e-Tax portal',
    redirect_uris: [REDIRECT],
    allowed_claims: ['given_name', 'family_name', 'birthdate', 'age_over_18'],
  });
  clientId = client.clientId;
  config = await oidc.discovery(
    new URL(node.url),
    client.clientId,
    undefined,
    oidc.ClientSecretBasic(client.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  leyla = await activatedPerson(node, { givenName: 'Leyla', familyName: 'Məmmədova' });
});

afterAll(async () => {
  await browser?.close();
  await node?.stop();
});

interface Login {
  page: Page;
  errors: string[];
  verifier: string;
  state: string;
  nonce: string;
  /** Resolves with the redirect URI the browser was sent to (the RP's callback). */
  callback: Promise<URL>;
}

/** openid-client builds the request; the browser opens the platform's log-in page. */
async function openLogin(lang: (typeof LANGS)[number]): Promise<Login> {
  const context = await desktopContext(browser, { baseURL: node.url, locale: 'en-GB' });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  let reached: (url: URL) => void = () => {};
  const callback = new Promise<URL>((resolve) => {
    reached = resolve;
  });
  // The RP's own site is not running here: the browser's arrival at the callback is the result.
  await context.route('https://etax.example/**', async (route) => {
    reached(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>e-Tax portal</h1>' });
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile age_over_18',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ui_locales: lang,
  });
  await page.goto(url.href);
  await page.locator('#identifier').waitFor();
  return { page, errors, verifier, state, nonce, callback };
}

/** Type the national id; the code on screen must be the one the phone shows. */
async function sendToPhone(login: Login, who: TestDevice) {
  await login.page.locator('#identifier').fill(who.nationalId);
  await login.page.locator('#identifier-form button[type=submit]').click();
  const code = login.page.locator('#verification-code');
  await expect.poll(() => code.textContent()).toMatch(/^\d{4}$/);
  const [request] = await who.device.pendingRequests({ timeoutMs: 10_000 });
  if (!request) throw new Error('the phone got no request');
  expect(request.verificationCode).toBe(await code.textContent());
  expect(request.rpName).toBe('e-Tax portal');
  return request;
}

describe('OIDC log-in through the platform page in Chromium', () => {
  it('authorization code + PKCE: phone approves, openid-client validates the ID token', async () => {
    const login = await openLogin('en');
    await screenshot(login.page, JOURNEY, 'login-en');
    const request = await sendToPhone(login, leyla);
    expect([...(request.claims ?? [])].sort()).toEqual([
      'age_over_18',
      'birthdate',
      'family_name',
      'given_name',
    ]);
    await screenshot(login.page, JOURNEY, 'code-en');
    await leyla.device.approve(request, PIN1, { approvedClaims: ['given_name', 'age_over_18'] });
    const callback = await login.callback;
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(login.state);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    const record = await node.ctx.clients.get(node.ctx.db, clientId);
    expect(claims?.sub).toBe(
      node.ctx.clients.pairwiseSubject(record as NonNullable<typeof record>, leyla.personId),
    );
    expect(claims?.acr).toBe('http://eidas.europa.eu/LoA/substantial');
    const jwks = createRemoteJWKSet(new URL(`${node.url}/oidc/jwks`));
    const { payload } = await jwtVerify(tokens.id_token as string, jwks, {
      issuer: node.ctx.config.publicUrl,
      audience: clientId,
    });
    expect(payload.nonce).toBe(login.nonce);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string);
    // Only what was approved on the phone.
    expect(info).toMatchObject({ given_name: 'Leyla', age_over_18: true });
    expect(info.family_name).toBeUndefined();
    expect(info.birthdate).toBeUndefined();
    // The code is single use: a replay is refused.
    await expect(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
      }),
    ).rejects.toThrow();
    expect(login.errors).toEqual([]);
    await login.page.context().close();
  });

  it('renders the log-in page in en, az and zh-Hant', async () => {
    const titles = new Set<string>();
    for (const lang of LANGS) {
      const login = await openLogin(lang);
      expect(await login.page.evaluate(() => document.documentElement.lang)).toBe(lang);
      titles.add((await login.page.locator('h1').textContent()) ?? '');
      // Nothing spills out of the card at this width.
      const overflow = await login.page.evaluate(
        () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
      );
      expect(overflow).toBe(false);
      await screenshot(login.page, JOURNEY, `login-${lang}`);
      expect(login.errors).toEqual([]);
      await login.page.context().close();
    }
    expect(titles.size).toBe(3);
  });

  it('shows a refusal clearly, and "try again" starts over', async () => {
    for (const lang of LANGS) {
      const login = await openLogin(lang);
      const request = await sendToPhone(login, leyla);
      await leyla.device.refuse(request);
      const error = login.page.locator('#error');
      await expect.poll(() => error.isVisible()).toBe(true);
      expect(await error.textContent()).not.toBe('');
      await expect.poll(() => login.page.locator('#retry').isVisible()).toBe(true);
      await screenshot(login.page, JOURNEY, `refused-${lang}`);
      await login.page.locator('#retry').click();
      await expect.poll(() => login.page.locator('#error-section').isHidden()).toBe(true);
      expect(login.errors).toEqual([]);
      await login.page.context().close();
    }
  });

  it('shows a timeout clearly with a retry', async () => {
    const silent = await activatedPerson(node, { givenName: 'Silent', familyName: 'Phone' });
    // One language: the page may start 20 sessions a minute from one address, and each
    // log-in here starts two (the QR, then the typed identifier).
    for (const lang of ['az'] as const) {
      const login = await openLogin(lang);
      await sendToPhone(login, silent);
      const error = login.page.locator('#error');
      await expect.poll(() => error.isVisible(), { timeout: 20_000 }).toBe(true);
      await expect.poll(() => login.page.locator('#retry').isVisible()).toBe(true);
      await screenshot(login.page, JOURNEY, `timeout-${lang}`);
      expect(login.errors).toEqual([]);
      await login.page.context().close();
    }
  });
});

describe('the demo RP (e-Tax portal) end to end', () => {
  it('logs in, shows the released claims, signs the declaration; pdfsig accepts the download', async () => {
    const context = await desktopContext(browser, { baseURL: node.url, locale: 'az-AZ' });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto('/demo-rp/');
    await screenshot(page, JOURNEY, 'demo-rp-home-az');
    await page.getByTestId('login').click();
    await page.locator('#identifier').fill('PNOAZ-9000001');
    await page.locator('#identifier-form button[type=submit]').click();
    // The sandbox's virtual phone approves; the page continues by itself to the demo RP.
    await page.waitForURL(/\/demo-rp\/$/, { timeout: 30_000 });
    const claims = page.getByTestId('claims');
    await expect.poll(() => claims.textContent()).toContain('PNOAZ-9000001');
    expect(await page.getByTestId('sub').textContent()).toMatch(/^[\w-]{20,}$/);
    await screenshot(page, JOURNEY, 'demo-rp-account-az');
    for (const lang of ['en', 'zh-Hant'] as const) {
      await page.goto(`/demo-rp/?lang=${lang}`);
      await screenshot(page, JOURNEY, `demo-rp-account-${lang}`);
    }
    await page.getByTestId('sign').click();
    await page.getByTestId('download').waitFor({ timeout: 30_000 });
    await screenshot(page, JOURNEY, 'demo-rp-signed-zh-Hant');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download').click(),
    ]);
    const file = join(scratchDir(), 'declaration.pdf');
    await download.saveAs(file);
    const pdf = readFileSync(file);
    const nss = nssDbTrusting(await (await node.request('/pki/root.pem')).text());
    expect(await pdfsig(new Uint8Array(pdf), nss)).toMatchObject([
      { commonName: 'Approve Always', signatureValid: true, certificateTrusted: true },
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
