import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags this machine needs: no sandbox as root, and no calls to hosts we cannot reach. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(options: { args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
  });
}

/** A phone-sized context (the wallet, the verifier). */
export function mobileContext(
  browser: Browser,
  options: { baseURL: string; locale?: string; permissions?: string[] },
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: options.baseURL,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: options.locale ?? 'en-GB',
    permissions: options.permissions ?? [],
  });
}

/** A desktop-sized context (consoles, portal, demo RP, log-in page). */
export function desktopContext(
  browser: Browser,
  options: { baseURL: string; locale?: string; permissions?: string[] },
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: options.baseURL,
    viewport: { width: 1280, height: 860 },
    locale: options.locale ?? 'en-GB',
    permissions: options.permissions ?? [],
  });
}

export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/** Save a full-page screenshot under test-output/screenshots/<journey>/<name>.png (not committed). */
export async function screenshot(page: Page, journey: string, name: string): Promise<string> {
  const dir = join(SCREENSHOT_DIR, journey);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Fail a test on any uncaught page error or console error: a broken page must not pass. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}
