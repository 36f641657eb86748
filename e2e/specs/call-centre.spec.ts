import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall } from '../../packages/server/test/support/admin.js';
import {
  nssDbTrusting,
  pdfsig,
  scratchDir,
} from '../../packages/server/test/support/pdf-oracles.js';
import {
  activatedPerson,
  PIN1,
  PIN2,
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
 * Call-centre confirmation in the console (SPEC F19): an agent logs in to the console with
 * Mobile ID, sends a declaration to the caller's phone, the caller confirms it with PIN2 (device
 * SDK in this process), and the agent downloads the signed PDF, which pdfsig accepts.
 * Screenshots: test-output/screenshots/call-centre/.
 */
const JOURNEY = 'call-centre';
let node: TestNode;
let browser: Browser;
let agent: TestDevice;
let caller: TestDevice;

beforeAll(async () => {
  node = await startPlatform();
  browser = await launchBrowser();
  agent = await activatedPerson(node, { givenName: 'Nərmin', familyName: 'Agent' });
  caller = await activatedPerson(node, { givenName: 'Leyla', familyName: 'Məmmədova' });
  const staff = await adminCall(node, 'POST', '/admin/v1/staff', {
    body: { role: 'call_centre', name: 'Nərmin (call centre)', nationalId: agent.nationalId },
  });
  expect(staff.status, await staff.clone().text()).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await node?.stop();
});

describe('call-centre page of the console', () => {
  it('logs the agent in, sends a declaration, the caller signs with PIN2, the PDF downloads', async () => {
    const context = await desktopContext(browser, { baseURL: node.url });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto('/console/call-centre');
    await page.getByTestId('log-in').click();
    // The platform's log-in page: the agent's own phone approves.
    await page.locator('#identifier').fill(agent.nationalId);
    await page.locator('#identifier-form button[type=submit]').click();
    const [login] = await agent.device.pendingRequests({ timeoutMs: 10_000 });
    if (!login) throw new Error('the agent got no log-in request');
    await agent.device.approve(login, PIN1);
    await page.getByTestId('call-centre').waitFor({ timeout: 30_000 });
    // Before the log-in the page asked for the staff session and got the expected 401.
    expect(errors.every((e) => e.includes('401'))).toBe(true);
    errors.length = 0;

    for (const lang of ['az', 'zh-Hant', 'en'] as const) {
      await page.getByTestId('language').selectOption(lang);
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
      await screenshot(page, JOURNEY, `form-${lang}`);
    }

    await page.locator('#cc-identifier').fill(caller.nationalId);
    await page.locator('#cc-title').fill('Gəlir bəyannaməsi 2026');
    await page.locator('#cc-summary').fill('Gəlir: 12 500 AZN');
    await page.locator('#cc-text').fill('Mən, Leyla Məmmədova, gəlirlərimi bəyan edirəm.');
    await page.getByTestId('send').click();
    const code = page.getByTestId('verification-code');
    await expect.poll(() => code.textContent()).toMatch(/^\d{4}$/);
    await screenshot(page, JOURNEY, 'code-en');

    const [request] = await caller.device.pendingRequests({ timeoutMs: 10_000 });
    if (!request) throw new Error('the caller got no request');
    expect(request.verificationCode).toBe(await code.textContent());
    expect(request.rpName).toBe('Call centre');
    expect(request.displayText).toBe('Gəlir bəyannaməsi 2026 — Gəlir: 12 500 AZN');
    await caller.device.approve(request, PIN2);

    const download = page.getByTestId('download');
    await download.waitFor({ timeout: 30_000 });
    await screenshot(page, JOURNEY, 'signed-en');
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const path = join(scratchDir(), 'declaration.pdf');
    await file.saveAs(path);
    const pdf = readFileSync(path);
    const nss = nssDbTrusting(await (await node.request('/pki/root.pem')).text());
    expect(await pdfsig(new Uint8Array(pdf), nss)).toMatchObject([
      { commonName: 'Leyla Məmmədova', signatureValid: true, certificateTrusted: true },
    ]);
    const shown = execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
    expect(shown).toContain('Gəlir bəyannaməsi 2026');
    expect(shown).toContain('Signed by Leyla Məmmədova');
    await expect.poll(() => page.getByTestId('recent').textContent()).toContain('Gəlir');
    expect(errors).toEqual([]);
    await context.close();
  });
});
