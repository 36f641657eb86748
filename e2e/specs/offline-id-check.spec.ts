import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCitizen } from '../../packages/server/test/oidc/support/citizen.js';
import { adminCall } from '../../packages/server/test/support/admin.js';
import {
  collectPageErrors,
  desktopContext,
  launchBrowser,
  mobileContext,
  screenshot,
} from '../support/browser.js';
import { consoleLogin } from '../support/console.js';
import { startPlatform, type TestNode } from '../support/platform.js';
import { writeQrVideo } from '../support/qr-video.js';
import { activateInBrowser, personWithCode, WALLET_PIN1 } from '../support/wallet.js';

const JOURNEY = 'idcard';
// A 2×2 PNG: the registration photo the card carries.
const PHOTO =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNgYGD4z8DAwMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';

/**
 * SPEC F20/F21 end to end, two phones in two Chromiums, each with a fake camera: the verifier app
 * registers with an enrolment code, caches the issuer keys and the status list, loses the network
 * and shows its signed request; the wallet (activated in its browser) scans it from its camera (a
 * Y4M video of the request's QR codes), shows who asks and what, and after PIN1 shows its answer
 * as QR codes; the verifier reads those from its camera and reaches the verdict offline.
 */
describe('offline ID check — wallet and verifier apps with fake cameras', () => {
  let node: TestNode;
  let verifierBrowser: Browser;
  let walletBrowser: Browser;
  let verifier: Page;
  let verifierContext: BrowserContext;
  let wallet: Page;
  let dir: string;
  let verifierCamera: string;
  let walletCamera: string;
  let person: { personId: string; activationCode: string };
  let enrolmentCode: string;

  const fakeCamera = (file: string) => [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${file}`,
  ];

  /** The QR frames a page shows (every frame of its cycling code). */
  const framesOn = (page: Page) => page.getByTestId('qr-frames').locator('li').allTextContents();

  beforeAll(async () => {
    node = await startPlatform();
    dir = mkdtempSync(join(tmpdir(), 'openmid-idcard-'));
    verifierCamera = join(dir, 'verifier-camera.y4m');
    walletCamera = join(dir, 'wallet-camera.y4m');
    writeQrVideo(verifierCamera, []);
    writeQrVideo(walletCamera, []);
    verifierBrowser = await launchBrowser({ args: fakeCamera(verifierCamera) });
    walletBrowser = await launchBrowser({ args: fakeCamera(walletCamera) });
    person = await personWithCode(node, {
      givenName: 'Leyla',
      familyName: 'Məmmədova',
      photo: PHOTO,
      document: { type: 'ID card', number: 'AZE7654321' },
    });
    verifierContext = await mobileContext(verifierBrowser, {
      baseURL: node.url,
      permissions: ['camera'],
    });
    verifier = await verifierContext.newPage();
    const walletContext = await mobileContext(walletBrowser, {
      baseURL: node.url,
      permissions: ['camera'],
    });
    wallet = await walletContext.newPage();
  });

  afterAll(async () => {
    await verifierBrowser?.close();
    await walletBrowser?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the wallet shows its ID card, in every language', async () => {
    const errors = collectPageErrors(wallet);
    await activateInBrowser(wallet, person.activationCode).catch(async (e) => {
      await screenshot(wallet, JOURNEY, 'debug-activation');
      console.log(errors);
      throw e;
    });
    await wallet.getByRole('link', { name: 'ID card' }).click();
    const card = wallet.getByTestId('id-card');
    await card.waitFor({ timeout: 30_000 });
    expect(await wallet.getByTestId('id-card-name').textContent()).toContain('Məmmədova');
    expect(await card.textContent()).toContain('AZE7654321');
    for (const lang of ['en', 'az', 'zh-Hant'] as const) {
      await wallet.getByTestId('language').selectOption(lang);
      await expect.poll(() => wallet.evaluate(() => document.documentElement.lang)).toBe(lang);
      await screenshot(wallet, JOURNEY, `wallet-card-${lang}`);
    }
    await wallet.getByTestId('language').selectOption('en');
    expect(errors).toEqual([]);
  });

  it('an operator registers the police and issues an enrolment code in the console', async () => {
    const operator = await registerCitizen(node, { givenName: 'Operator' });
    const staff = await adminCall(node, 'POST', '/admin/v1/staff', {
      body: { role: 'operator', name: 'Operator Verifiers', nationalId: operator.nationalId },
    });
    expect(staff.status).toBe(201);
    const context = await desktopContext(walletBrowser, { baseURL: node.url });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await consoleLogin(page, operator);
    await page.goto('/console/verifiers');
    await page.getByTestId('verifier-roles').waitFor();
    await page.getByLabel('Organisation name').fill('Bakı Şəhər Polisi');
    await page.getByRole('button', { name: 'Register organisation' }).click();
    const organisation = page.getByTestId('verifier-organisation');
    await organisation.waitFor();
    await organisation.getByLabel('Role').selectOption('police');
    await organisation.getByLabel('Device name').fill('Patrol 7');
    await organisation.getByRole('button', { name: 'Issue enrolment code' }).click();
    const shown = page.getByTestId('enrolment-code');
    await shown.waitFor();
    enrolmentCode = ((await shown.locator('.code').textContent()) ?? '').trim();
    expect(enrolmentCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    for (const lang of ['en', 'az', 'zh-Hant'] as const) {
      await page.getByTestId('language').selectOption(lang);
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
      await screenshot(page, JOURNEY, `console-verifiers-${lang}`);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the verifier registers, caches trust, loses the network; the wallet answers; verdict valid', async () => {
    const errors = collectPageErrors(verifier);
    await verifier.goto('/verifier/?lang=en');
    await screenshot(verifier, JOURNEY, 'verifier-enrol-en');
    await verifier.getByLabel('Enrolment code').fill(enrolmentCode);
    await verifier.getByRole('button', { name: 'Register' }).click();
    await expect
      .poll(() => verifier.getByTestId('cache-age').getAttribute('data-fetched-at'), {
        timeout: 30_000,
      })
      .toMatch(/^\d+$/);
    await expect.poll(async () => (await framesOn(verifier)).length).toBeGreaterThan(0);

    // The service worker keeps the app (checked below by a reload without a network).
    await expect
      .poll(() => verifier.evaluate(() => document.documentElement.dataset.offlineReady), {
        timeout: 30_000,
      })
      .toBe('true');
    // The verifier's network goes; everything it does below happens offline.
    await verifierContext.setOffline(true);
    await expect.poll(() => verifier.getByTestId('network').textContent()).toMatch(/Offline/);
    await screenshot(verifier, JOURNEY, 'verifier-request-offline-en');

    // The wallet's camera sees the verifier's screen.
    writeQrVideo(walletCamera, await framesOn(verifier));
    await wallet.getByRole('link', { name: 'Show to a verifier' }).click();
    const consent = wallet.getByTestId('presentation-consent');
    await consent.waitFor({ timeout: 60_000 });
    expect(await consent.textContent()).toContain('Bakı Şəhər Polisi');
    const requested = await wallet
      .getByTestId('requested-claims')
      .locator('li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-claim')));
    expect(requested).toContain('family_name');
    for (const lang of ['en', 'az', 'zh-Hant'] as const) {
      await wallet.getByTestId('language').selectOption(lang);
      await expect.poll(() => wallet.evaluate(() => document.documentElement.lang)).toBe(lang);
      await screenshot(wallet, JOURNEY, `wallet-consent-${lang}`);
    }
    await wallet.getByTestId('language').selectOption('en');
    await wallet.getByTestId('pin1').fill(WALLET_PIN1);
    await wallet.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(async () => (await framesOn(wallet)).length).toBeGreaterThan(0);
    await screenshot(wallet, JOURNEY, 'wallet-answer-en');

    // The verifier's camera sees the wallet's screen.
    writeQrVideo(verifierCamera, await framesOn(wallet));
    await verifier.getByRole('button', { name: 'Scan the answer' }).click();
    const verdict = verifier.getByTestId('verdict');
    await expect
      .poll(() => verdict.getAttribute('data-verdict'), { timeout: 60_000 })
      .toBe('valid');
    const disclosed = verifier.getByTestId('disclosed');
    await expect.poll(() => disclosed.textContent()).toContain('Məmmədova');
    expect(await disclosed.textContent()).toContain('AZE7654321');
    expect(await verifier.locator('img.holder-photo').count()).toBe(1);
    for (const [lang, word] of [
      ['en', 'Valid'],
      ['az', 'Etibarlıdır'],
      ['zh-Hant', '有效'],
    ] as const) {
      await verifier.getByTestId('language').selectOption(lang);
      await expect.poll(() => verdict.textContent()).toContain(word);
      await screenshot(verifier, JOURNEY, `verifier-valid-${lang}`);
    }
    await verifier.getByTestId('language').selectOption('en');
    expect(errors).toEqual([]);

    // The wallet logged the presentation for the citizen: who, which claims, never values.
    await expect
      .poll(async () => {
        const entries = await node.ctx.audit.listForPerson(node.ctx.db, person.personId, {
          types: ['credential.presented'],
          limit: 5,
        });
        return entries[0]?.data;
      })
      .toMatchObject({ role: 'police', organisation: 'Bakı Şəhər Polisi' });
  });

  it('the same answer shown again is replayed, still offline (after a reload)', async () => {
    // The app reopens without a network: shell from the service worker, trust from its cache.
    await verifier.reload();
    await expect
      .poll(() => verifier.getByTestId('cache-age').getAttribute('data-fetched-at'))
      .toMatch(/^\d+$/);
    await expect.poll(async () => (await framesOn(verifier)).length).toBeGreaterThan(0);
    await verifier.getByRole('button', { name: 'Scan the answer' }).click();
    const verdict = verifier.getByTestId('verdict');
    await expect
      .poll(() => verdict.getAttribute('data-verdict'), { timeout: 60_000 })
      .toBe('replayed');
    await screenshot(verifier, JOURNEY, 'verifier-replayed-en');
  });
});
