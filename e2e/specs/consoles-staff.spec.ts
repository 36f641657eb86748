import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Citizen, registerCitizen } from '../../packages/server/test/oidc/support/citizen.js';
import {
  adminCall,
  uniqueNationalId,
  uniquePhone,
} from '../../packages/server/test/support/admin.js';
import {
  collectPageErrors,
  desktopContext,
  launchBrowser,
  mobileContext,
  screenshot,
} from '../support/browser.js';
import { consoleLogin, csrfOf, pageCall } from '../support/console.js';
import { startPlatform, type TestNode } from '../support/platform.js';
import { activateInBrowser } from '../support/wallet.js';

const JOURNEY = 'consoles';
const LANGS = ['en', 'az', 'zh-Hant'] as const;

/** A 1×1 PNG (the officer's photo upload). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

async function staffFor(
  node: TestNode,
  role: 'operator' | 'officer' | 'auditor',
  citizen: Citizen,
): Promise<void> {
  const r = await adminCall(node, 'POST', '/admin/v1/staff', {
    body: {
      role,
      name: `${role[0]?.toUpperCase()}${role.slice(1)} ${citizen.nationalId.slice(-4)}`,
      nationalId: citizen.nationalId,
    },
  });
  expect(r.status).toBe(201);
}

/** Screenshots of the current page in the three languages, back to English after. */
async function shootLanguages(page: Page, name: string): Promise<void> {
  for (const lang of LANGS) {
    await page.getByTestId('language').selectOption(lang);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
    await screenshot(page, JOURNEY, `${name}-${lang}`);
  }
  await page.getByTestId('language').selectOption('en');
}

describe('consoles — staff log in with Mobile ID; officer, operator, auditor (issue 8)', () => {
  let node: TestNode;
  let browser: Browser;
  let officer: Citizen;
  let operator: Citizen;
  let auditor: Citizen;

  beforeAll(async () => {
    node = await startPlatform();
    browser = await launchBrowser();
    officer = await registerCitizen(node, { givenName: 'Officer' });
    operator = await registerCitizen(node, { givenName: 'Operator' });
    auditor = await registerCitizen(node, { givenName: 'Auditor' });
    await staffFor(node, 'officer', officer);
    await staffFor(node, 'operator', operator);
    await staffFor(node, 'auditor', auditor);
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
  });

  async function loggedIn(
    citizen: Citizen,
    name: string,
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await desktopContext(browser, { baseURL: node.url });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await consoleLogin(page, citizen, (shot) =>
      screenshot(page, JOURNEY, `${name}-${shot}`).then(() => {}),
    );
    return { context, page, errors };
  }

  it('an officer registers a person with a checked document and photo; the code activates a wallet', async () => {
    const { context, page, errors } = await loggedIn(officer, 'officer');
    try {
      await shootLanguages(page, 'officer-home');
      await page.goto('/console/persons/new');
      const nationalId = uniqueNationalId();
      await page.locator('#f-nationalId').fill(nationalId);
      await page.locator('#f-givenName').fill('Nigar');
      await page.locator('#f-familyName').fill('Həsənova');
      await page.locator('#f-birthDate').fill('1994-06-15');
      await page.locator('#f-phone').fill(uniquePhone());
      await page.locator('#f-docNumber').fill('AA7654321');
      await page.locator('#f-docIssuedBy').fill('ASAN Xidmət');
      await page
        .locator('#f-photo')
        .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
      // The register button stays disabled until the document check is recorded.
      expect(await page.getByTestId('register').isDisabled()).toBe(true);
      await page.getByTestId('document-checked').check();
      await shootLanguages(page, 'officer-register');
      await page.getByTestId('register').click();
      await page.getByTestId('national-id').waitFor();
      expect(await page.getByTestId('national-id').textContent()).toBe(nationalId);
      await page.getByTestId('issue-code').click();
      await page.getByTestId('envelope').waitFor();
      const code = ((await page.getByTestId('activation-code').textContent()) ?? '').trim();
      const puk = ((await page.getByTestId('puk').textContent()) ?? '').trim();
      expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
      expect(puk).toMatch(/^\d{8}$/);
      await shootLanguages(page, 'officer-envelope');

      // The registration recorded who checked the document, and the officer is the actor.
      const { persons } = (await (
        await adminCall(node, 'GET', `/admin/v1/persons?nationalId=${nationalId}`)
      ).json()) as {
        persons: { personId: string; photo: string; document: { checkedBy: string } }[];
      };
      expect(persons[0]?.document.checkedBy).toMatch(/^Officer /);
      expect(persons[0]?.photo).toMatch(/^data:image\/png;base64,/);

      // The envelope goes to the wallet on a phone.
      const phone = await mobileContext(browser, { baseURL: node.url });
      try {
        const wallet = await phone.newPage();
        await activateInBrowser(wallet, code, (shot) =>
          screenshot(wallet, JOURNEY, `wallet-${shot}`).then(() => {}),
        );
      } finally {
        await phone.close();
      }
      await page.reload();
      await page.getByTestId('device-row').first().waitFor();
      expect(await page.getByTestId('device-row').first().textContent()).toContain('active');
      await shootLanguages(page, 'officer-person');

      // Operator pages: the 403 page, and the API says 403 too.
      await page.goto('/console/clients');
      await page.getByTestId('forbidden').waitFor();
      await shootLanguages(page, 'officer-403');
      const csrf = await csrfOf(page);
      expect(
        await pageCall(page, 'POST', '/admin/v1/staff', { role: 'officer', name: 'x' }, csrf),
      ).toEqual({
        status: 403,
        error: 'forbidden',
      });
      expect(errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an operator reviews a sandbox client and promotes it to production', async () => {
    const registered = await adminCall(node, 'POST', '/admin/v1/clients', {
      body: {
        client_name: 'Kitabxana e-xidmət',
        environment: 'sandbox',
        redirect_uris: ['https://library.example.org/callback'],
        allowed_claims: ['given_name'],
      },
    });
    expect(registered.status).toBe(201);
    const { client_id } = (await registered.json()) as { client_id: string };
    const { context, page, errors } = await loggedIn(operator, 'operator');
    try {
      page.on('dialog', (d) => void d.accept());
      await page.goto('/console/clients');
      const row = page.getByTestId(`client-${client_id}`);
      await row.waitFor();
      await shootLanguages(page, 'operator-clients');
      await row.getByRole('button', { name: 'Promote to production' }).click();
      await expect.poll(async () => row.count()).toBe(0); // gone from the sandbox list
      const info = (await (
        await adminCall(node, 'GET', `/admin/v1/clients/${client_id}`)
      ).json()) as {
        environment: string;
      };
      expect(info.environment).toBe('production');
      await page.locator('#c-filter').selectOption('production');
      await page.getByTestId(`client-${client_id}`).waitFor();
      await shootLanguages(page, 'operator-production');
      await page.goto('/console/staff');
      await page.getByTestId('staff-row').first().waitFor();
      await shootLanguages(page, 'operator-staff');
      await page.goto('/console/reports');
      await page.locator('.health li').first().waitFor();
      await shootLanguages(page, 'operator-reports');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an auditor verifies an inclusion proof in the browser and cannot change anything', async () => {
    await node.ctx.audit.integrate();
    const { context, page, errors } = await loggedIn(auditor, 'auditor');
    try {
      await page.goto('/console/log');
      const status = page.getByTestId('sth-status');
      await status.waitFor();
      expect(await status.getAttribute('class')).toContain('notice-ok');
      const first = page.locator('tr[data-testid^="log-entry-"]').first();
      await first.getByRole('button').click();
      await first.getByTestId('inclusion-ok').waitFor();
      // An older entry, too (a longer audit path).
      await page.getByTestId('log-entry-3').getByRole('button').click();
      await page.getByTestId('log-entry-3').getByTestId('inclusion-ok').waitFor();
      await shootLanguages(page, 'auditor-log');

      // Read-only: no register button, 403 pages, and every write refused by the API.
      await page.goto('/console/persons');
      await page.locator('#person-query').waitFor();
      expect(await page.getByText('Register a new person').count()).toBe(0);
      await page.goto('/console/persons/new');
      await page.getByTestId('forbidden').waitFor();
      await page.goto('/console/clients');
      await page.getByTestId('forbidden').waitFor();
      await shootLanguages(page, 'auditor-403');
      const csrf = await csrfOf(page);
      for (const [method, path, body] of [
        [
          'POST',
          '/admin/v1/persons',
          {
            nationalId: uniqueNationalId(),
            givenName: 'A',
            familyName: 'B',
            birthDate: '1990-01-01',
          },
        ],
        ['POST', '/admin/v1/staff', { role: 'auditor', name: 'x' }],
        ['POST', '/admin/v1/clients/sandbox-demo-rp/disable', undefined],
      ] as const) {
        expect((await pageCall(page, method, path, body, csrf)).status, path).toBe(403);
      }
      // Without the CSRF token a write is refused before the role is even looked at.
      expect(
        await pageCall(page, 'POST', '/admin/v1/staff', { role: 'auditor', name: 'x' }),
      ).toEqual({
        status: 403,
        error: 'csrf_failed',
      });
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByTestId('log-in').waitFor();
      // The 403s this test provoked on purpose are the only errors.
      expect(errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
