import { createVerify, X509Certificate } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { qrPayload } from '@openmid/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  challenge,
  registerClient,
  rpCall,
  type TestClient,
} from '../../packages/server/test/support/rp.js';
import { collectPageErrors, launchBrowser, mobileContext, screenshot } from '../support/browser.js';
import { startPlatform, type TestNode } from '../support/platform.js';
import {
  activateInBrowser,
  approveWithPin,
  personWithCode,
  WALLET_PIN1,
  WALLET_PIN2,
} from '../support/wallet.js';

const JOURNEY = 'wallet';
const LANGS = ['en', 'az', 'zh-Hant'] as const;

/** Screenshot the current screen in each language, then go back to English. */
async function shootAll(page: Page, name: string): Promise<void> {
  for (const lang of LANGS) {
    await page.getByTestId('language').selectOption(lang);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
    await screenshot(page, JOURNEY, `${name}-${lang}`);
  }
  await page.getByTestId('language').selectOption('en');
}

describe('wallet journey — activation, log-in, refusal, consent, history, offline (issue 7)', () => {
  let node: TestNode;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let rp: TestClient;
  let person: Awaited<ReturnType<typeof personWithCode>>;
  let errors: string[];
  /** Every request the browser sent: URL, headers and body (the private-key check). */
  const traffic: string[] = [];

  beforeAll(async () => {
    node = await startPlatform({ env: { SESSION_PERSON_LIMIT_PER_MINUTE: '1000' } });
    rp = await registerClient(node, { client_name: 'e-Gov Portal' });
    person = await personWithCode(node, { givenName: 'Leyla', familyName: 'Məmmədova' });
    browser = await launchBrowser();
    context = await mobileContext(browser, { baseURL: node.url });
    page = await context.newPage();
    errors = collectPageErrors(page);
    page.on('request', (request) => {
      traffic.push(
        `${request.method()} ${request.url()}\n${JSON.stringify(request.headers())}\n${request.postData() ?? ''}`,
      );
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await node?.stop();
  });

  const startAuth = async (extra: Record<string, unknown> = {}) => {
    const c = challenge();
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: person.nationalId },
      hash: c.b64,
      hashType: 'SHA256',
      displayText: 'Log in to e-Gov',
      ...extra,
    });
    expect(r.status, await r.clone().text()).toBe(201);
    return {
      challenge: c,
      ...((await r.json()) as { sessionId: string; verificationCode: string }),
    };
  };
  const result = async (sessionId: string) => {
    const r = await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=20000`);
    expect(r.status).toBe(200);
    return (await r.json()) as {
      state: string;
      result: { endResult: string };
      signature?: { value: string; signedData: string };
      certificate?: string;
      subject?: Record<string, unknown>;
    };
  };
  const openRequest = async () => {
    await page.goto('/wallet/');
    const card = page.getByTestId('pending-request').first();
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole('link').click();
    await page.getByTestId('request-pin').waitFor();
  };

  it('activates in the browser with keys made by WebCrypto, non-extractable in IndexedDB', async () => {
    await page.goto('/wallet/');
    await page.getByRole('link', { name: 'Activate Mobile ID' }).waitFor();
    await shootAll(page, '01-welcome');
    const puk = await activateInBrowser(page, person.activationCode, async (name) => {
      if (name === 'activate-code' || name === 'activate-pin1' || name === 'activate-puk') {
        await shootAll(page, `02-${name}`);
      }
    });
    // The wallet showed the PUK the officer's envelope carries.
    expect(puk).toBe(person.puk);
    await page.getByRole('heading', { name: 'Hello, Leyla Məmmədova' }).waitFor();
    await expect.poll(() => page.getByTestId('no-requests').count()).toBe(1);
    await shootAll(page, '03-home');

    const keys = await page.evaluate(
      () =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const open = indexedDB.open('openmid-wallet');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('records').objectStore('records').get('keystore');
            get.onsuccess = () => {
              const r = get.result;
              resolve({
                device: r.device.privateKey.extractable,
                auth: r.auth.privateKey.extractable,
                verifier: r.verifierKey.extractable,
                type: r.auth.privateKey.type,
                sealedSign: typeof r.sign.underPin.ciphertext,
              });
            };
          };
        }),
    );
    expect(keys).toEqual({
      device: false,
      auth: false,
      verifier: false,
      type: 'private',
      sealedSign: 'string',
    });
  });

  it('shows a log-in with the right code, counts a wrong PIN, approves with the right one', async () => {
    const s = await startAuth();
    await openRequest();
    await expect
      .poll(() => page.getByTestId('verification-code').textContent())
      .toBe(s.verificationCode);
    await expect.poll(() => page.locator('#request-title').textContent()).toBe('e-Gov Portal asks');
    expect(await page.getByTestId('display-text').textContent()).toBe('Log in to e-Gov');
    await shootAll(page, '04-request-login');

    await page.getByTestId('request-pin').fill('9999');
    await page.getByTestId('approve').click();
    await page.getByText('Wrong PIN1. 2 tries left.').waitFor();
    expect(await page.getByTestId('tries-left').textContent()).toBe('PIN1: 2 tries left');
    await shootAll(page, '05-wrong-pin');

    await approveWithPin(page, WALLET_PIN1);
    expect(await page.getByTestId('outcome').textContent()).toContain(
      'You are logged in to e-Gov Portal.',
    );
    await shootAll(page, '06-outcome-login');

    const done = await result(s.sessionId);
    expect(done.result.endResult).toBe('OK');
    const cert = new X509Certificate(Buffer.from(done.certificate as string, 'base64'));
    const ok = createVerify('sha256')
      .update(Buffer.from(done.signature?.signedData as string, 'base64'))
      .verify(cert.publicKey, Buffer.from(done.signature?.value as string, 'base64'));
    expect(ok).toBe(true);
  });

  it('refuses: the RP gets USER_REFUSED', async () => {
    const s = await startAuth();
    await openRequest();
    await page.getByTestId('refuse').click();
    await page.getByTestId('outcome').waitFor();
    await shootAll(page, '07-outcome-refused');
    expect((await result(s.sessionId)).result.endResult).toBe('USER_REFUSED');
  });

  it('offers the choice of three codes and reports "this wasn\'t me"', async () => {
    const s = await startAuth({ vcChoice: true });
    await openRequest();
    await expect.poll(() => page.getByTestId('vc-choice').count()).toBe(3);
    await shootAll(page, '07b-request-choice');
    await page.getByTestId('vc-choice').filter({ hasText: s.verificationCode }).click();
    await approveWithPin(page, WALLET_PIN1);
    expect((await result(s.sessionId)).result.endResult).toBe('OK');

    const other = await startAuth();
    await openRequest();
    await page.getByTestId('not-me').click();
    await page.getByTestId('outcome').waitFor();
    await shootAll(page, '07c-outcome-not-me');
    expect((await result(other.sessionId)).result.endResult).toBe('USER_REFUSED');
  });

  it('releases only the claims the citizen consents to', async () => {
    const s = await startAuth({ claims: ['given_name', 'family_name', 'birthdate'] });
    await openRequest();
    expect(await page.getByTestId('request-kind').textContent()).toBe('Data release');
    await page.getByTestId('claim-birthdate').uncheck();
    await shootAll(page, '08-request-consent');
    await approveWithPin(page, WALLET_PIN1);
    const done = await result(s.sessionId);
    expect(done.result.endResult).toBe('OK');
    expect(done.subject).toMatchObject({ given_name: 'Leyla', family_name: 'Məmmədova' });
    expect(done.subject).not.toHaveProperty('birthdate');
  });

  it('signs a hash with PIN2', async () => {
    const c = challenge();
    const r = await rpCall(node, rp, 'POST', '/rp/v1/signature', {
      subject: { nationalId: person.nationalId },
      hash: c.b64,
      hashType: 'SHA256',
      displayText: 'Contract no. 42',
    });
    expect(r.status).toBe(201);
    const { sessionId } = (await r.json()) as { sessionId: string };
    await openRequest();
    expect(await page.getByTestId('request-kind').textContent()).toBe('Signature');
    await shootAll(page, '08b-request-sign');
    await approveWithPin(page, WALLET_PIN2);
    const done = await result(sessionId);
    expect(done.result.endResult).toBe('OK');
  });

  it('answers a same-device link of the QR flow (F11)', async () => {
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    expect(r.status).toBe(201);
    const started = Date.now();
    const qr = (await r.json()) as {
      sessionId: string;
      qrStartToken: string;
      qrStartSecret: string;
    };
    const payload = await qrPayload(
      qr.qrStartToken,
      qr.qrStartSecret,
      Math.floor((Date.now() - started) / 1000),
    );
    await page.goto(`/wallet/link${payload.slice(payload.indexOf('?'))}`);
    await page.getByTestId('request-pin').waitFor({ timeout: 30_000 });
    await shootAll(page, '09-request-qr');
    await approveWithPin(page, WALLET_PIN1);
    expect((await result(qr.sessionId)).result.endResult).toBe('OK');
  });

  it('blocks PIN1 after three wrong tries and unblocks it with the PUK', async () => {
    const s = await startAuth();
    await openRequest();
    for (const left of [2, 1]) {
      await page.getByTestId('request-pin').fill('0000');
      await page.getByTestId('approve').click();
      await page.getByText(`Wrong PIN1. ${left} tries left.`).waitFor();
    }
    await page.getByTestId('request-pin').fill('0000');
    await page.getByTestId('approve').click();
    await page.getByTestId('outcome').waitFor();
    expect(await page.getByTestId('outcome').textContent()).toContain('PIN1 is now blocked');
    await shootAll(page, '10-outcome-blocked');
    expect((await result(s.sessionId)).result.endResult).toBe('PIN_BLOCKED');

    await page.getByRole('link', { name: 'Unblock with the PUK' }).click();
    await page.getByTestId('unblock-puk').fill(person.puk);
    await page.getByTestId('unblock-pin').fill(WALLET_PIN1);
    await page.getByTestId('unblock-pin-again').fill(WALLET_PIN1);
    await shootAll(page, '11-security-unblock');
    await page.getByRole('button', { name: 'Unblock' }).click();
    await page.getByTestId('unblocked').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('pin-counters').textContent()).toContain('PIN1: 3 tries left');
    await shootAll(page, '12-security-unblocked');
  });

  it('lists every use in the history, filters by kind, and shows it offline', async () => {
    await page.goto('/wallet/history');
    await page.locator('[data-testid=history] li').first().waitFor();
    const events = await page
      .locator('[data-testid=history] li')
      .evaluateAll((lis) =>
        lis.map((li) => `${li.getAttribute('data-kind')}:${li.getAttribute('data-event')}`),
      );
    expect(events).toContain('login:session.auth.completed');
    expect(events).toContain('data_release:session.auth.completed');
    expect(events).toContain('security:device.pin_blocked');
    expect(events).toContain('security:device.pin_unblocked');
    expect(events).toContain('security:device.activated');
    expect(events).toContain('security:session.reported_not_me');
    await shootAll(page, '13-history');
    await page.getByTestId('filter-data_release').click();
    await expect.poll(() => page.locator('[data-testid=history] li').count()).toBe(1);
    expect(await page.getByTestId('history-claims').textContent()).toBe(
      'Shared: Given name, Family name',
    );
    await shootAll(page, '14-history-data');
    await page.getByTestId('filter-all').click();
    await expect.poll(() => page.locator('[data-testid=history] li').count()).toBe(events.length);

    // Offline: the service worker serves the shell, IndexedDB the last lists.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await context.setOffline(true);
    try {
      await page.reload();
      await page.getByTestId('history-offline').waitFor({ timeout: 30_000 });
      await expect.poll(() => page.locator('[data-testid=history] li').count()).toBe(events.length);
      await shootAll(page, '15-history-offline');
    } finally {
      await context.setOffline(false);
    }
  });

  it('never sends private key material over the network', async () => {
    expect(traffic.length).toBeGreaterThan(20);
    const all = traffic.join('\n');
    // A private JWK has "d"; a P-256 PKCS#8 in base64 starts MIGHAgEA (MIG… for any EC key).
    expect(all).not.toMatch(/"d"\s*:/);
    expect(all).not.toMatch(/\\"d\\"\s*:/);
    expect(all).not.toContain('MIGHAgEA');
    expect(all).not.toMatch(/BEGIN (EC )?PRIVATE KEY/);
    // The device proofs carried only the public key.
    expect(all).toMatch(/"dpop":"eyJ/);
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('loads the first screen with under 200 KB of compressed JavaScript', async () => {
    const html = await (await node.request('/wallet/')).text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const src of scripts) {
      const body = Buffer.from(await (await node.request(src as string)).arrayBuffer());
      total += gzipSync(body, { level: 9 }).length;
    }
    console.log(`wallet first screen: ${scripts.length} scripts, ${total} bytes gzip`);
    expect(total).toBeLessThan(200 * 1024);
  });
});
