import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_APPS } from '../../packages/web/src/server/apps.js';
import {
  collectPageErrors,
  desktopContext,
  launchBrowser,
  screenshot,
} from '../support/browser.js';
import { startPlatform, type TestNode } from '../support/platform.js';

describe('web apps — served by the platform', () => {
  let node: TestNode;
  let browser: Browser;

  beforeAll(async () => {
    node = await startPlatform();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
  });

  it('serves every app with a strict content security policy and deep links', async () => {
    for (const app of WEB_APPS) {
      const root = await node.request(`/${app}/`);
      expect(root.status).toBe(200);
      expect(root.headers.get('content-type')).toContain('text/html');
      expect(root.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(root.headers.get('content-security-policy')).toContain("script-src 'self'");
      const deep = await node.request(`/${app}/some/deep/link`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toBe(await root.text());
      const bare = await node.request(`/${app}`, { redirect: 'manual' });
      expect(bare.status).toBe(301);
      expect(bare.headers.get('location')).toBe(`/${app}/`);
    }
  });

  it('refuses path traversal out of the apps folder', async () => {
    const r = await node.request('/wallet/..%2f..%2fpackage.json');
    const text = await r.text();
    expect(text).not.toContain('"workspaces"');
  });

  it('renders each app and switches between en, az and zh-Hant', async () => {
    const context = await desktopContext(browser, { baseURL: node.url });
    try {
      for (const app of WEB_APPS) {
        const page = await context.newPage();
        const errors = collectPageErrors(page);
        await page.goto(`/${app}/`);
        const title = page.locator('h1.app-title');
        await expect.poll(() => title.textContent()).toMatch(/OpenMID/);
        const texts: string[] = [];
        for (const lang of ['en', 'az', 'zh-Hant']) {
          await page.getByTestId('language').selectOption(lang);
          await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
          texts.push((await title.textContent()) ?? '');
          await screenshot(page, 'web-shell', `${app}-${lang}`);
        }
        expect(new Set(texts).size).toBe(3);
        expect(errors).toEqual([]);
        await page.close();
      }
    } finally {
      await context.close();
    }
  });
});
