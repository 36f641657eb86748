import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  challenge,
  registerClient,
  rpCall,
  type TestClient,
} from '../../packages/server/test/support/rp.js';
import {
  collectPageErrors,
  desktopContext,
  launchBrowser,
  mobileContext,
  screenshot,
} from '../support/browser.js';
import { startPlatform, type TestNode } from '../support/platform.js';
import {
  activateInBrowser,
  approveWithPin,
  personWithCode,
  WALLET_PIN1,
} from '../support/wallet.js';

const LANGS = ['en', 'az', 'zh-Hant'] as const;

async function shootAll(page: Page, name: string): Promise<void> {
  for (const lang of LANGS) {
    await page.getByTestId('language').selectOption(lang);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
    await screenshot(page, 'wallet', `${name}-${lang}`);
  }
  await page.getByTestId('language').selectOption('en');
}

describe('self-service portal — Mobile ID log-in, devices, suspension (F23)', () => {
  let node: TestNode;
  let browser: Browser;
  let phone: BrowserContext;
  let desktop: BrowserContext;
  let wallet: Page;
  let portal: Page;
  let rp: TestClient;
  let person: Awaited<ReturnType<typeof personWithCode>>;
  let errors: string[];

  beforeAll(async () => {
    node = await startPlatform({ env: { SESSION_PERSON_LIMIT_PER_MINUTE: '1000' } });
    rp = await registerClient(node, { client_name: 'e-Gov Portal' });
    person = await personWithCode(node, { givenName: 'Leyla', familyName: 'Məmmədova' });
    browser = await launchBrowser();
    phone = await mobileContext(browser, { baseURL: node.url });
    desktop = await desktopContext(browser, { baseURL: node.url });
    wallet = await phone.newPage();
    portal = await desktop.newPage();
    errors = collectPageErrors(portal);
    await activateInBrowser(wallet, person.activationCode);
  });
  afterAll(async () => {
    await phone?.close();
    await desktop?.close();
    await browser?.close();
    await node?.stop();
  });

  it('logs in with Mobile ID: the wallet approves the national id release', async () => {
    await portal.goto('/portal/');
    await portal.getByTestId('portal-login').waitFor();
    await shootAll(portal, '20-portal-login');
    await portal.getByTestId('portal-login').click();
    await portal.locator('#identifier').fill(person.nationalId);
    await portal.locator('#identifier-form button[type=submit]').click();
    await portal.locator('#verification-code').waitFor({ state: 'visible' });
    const code = (await portal.locator('#verification-code').textContent())?.trim();

    await wallet.goto('/wallet/');
    const card = wallet.getByTestId('pending-request').first();
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole('link').click();
    await wallet.getByTestId('request-pin').waitFor();
    expect(await wallet.getByTestId('verification-code').textContent()).toBe(code);
    expect(await wallet.getByTestId('claim-national_id').isChecked()).toBe(true);
    await approveWithPin(wallet, WALLET_PIN1);

    await portal.getByTestId('portal-hello').waitFor({ timeout: 30_000 });
    expect(await portal.getByTestId('portal-hello').textContent()).toBe('Hello, Leyla Məmmədova');
    await expect.poll(() => portal.getByTestId('device').count()).toBe(1);
    await portal.locator('[data-testid=history] li').first().waitFor();
    await shootAll(portal, '21-portal-home');
  });

  it('suspends the lost phone: the next log-in fails and the wallet says why', async () => {
    await portal.getByTestId('suspend').click();
    await shootAll(portal, '22-portal-suspend-confirm');
    await portal.getByTestId('suspend-confirm').click();
    await portal.getByTestId('suspended-notice').waitFor();
    await expect.poll(() => portal.getByTestId('device-status').textContent()).toBe('Suspended');
    await shootAll(portal, '23-portal-suspended');

    const start = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: person.nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    expect(start.status).toBe(201);
    const { sessionId } = (await start.json()) as { sessionId: string };
    const done = await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=10000`);
    expect(((await done.json()) as { result: { endResult: string } }).result.endResult).toBe(
      'NOT_FOUND_OR_INACTIVE',
    );

    await wallet.goto('/wallet/');
    await wallet.getByText(/can no longer confirm requests/).waitFor({ timeout: 30_000 });
    await shootAll(wallet, '24-wallet-suspended');
    await wallet.goto('/wallet/history');
    await wallet.locator('[data-event="device.suspended"]').waitFor({ timeout: 30_000 });
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});
