import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { type Citizen, PIN1 } from '../../packages/server/test/oidc/support/citizen.js';

/**
 * Log in to the console with Mobile ID in the browser: the console's log-in button, the
 * platform's log-in page (national id), and the staff member's phone (the device SDK) approving.
 */
export async function consoleLogin(
  page: Page,
  citizen: Citizen,
  shoot: (name: string) => Promise<void> = async () => {},
): Promise<void> {
  await page.goto('/console/');
  await page.getByTestId('log-in').waitFor();
  await shoot('log-in');
  await page.getByTestId('log-in').click();
  await page.locator('#identifier').waitFor();
  await page.locator('#identifier').fill(citizen.nationalId);
  await shoot('login-page');
  await page.locator('#identifier-form button[type=submit]').click();
  const request = await citizen.nextRequest();
  await page.locator('#verification-code').waitFor();
  expect(((await page.locator('#verification-code').textContent()) ?? '').trim()).toBe(
    request.verificationCode,
  );
  await citizen.device.approve(request, PIN1, { approvedClaims: request.claims ?? [] });
  await page.getByTestId('whoami').waitFor({ timeout: 60_000 });
}

/** The CSRF token of the page's console session (what the app sends on writes). */
export async function csrfOf(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const r = await fetch('/web-login/v1/staff/session');
    const body = (await r.json()) as { csrfToken: string };
    return body.csrfToken;
  });
}

/** A call from inside the page, with its cookies (and the CSRF token when given). */
export function pageCall(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
  csrf?: string,
): Promise<{ status: number; error?: string }> {
  return page.evaluate(
    async ({ method, path, body, csrf }) => {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (csrf) headers['x-csrf-token'] = csrf;
      const r = await fetch(path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await r.json().catch(() => ({}))) as { error?: string };
      return { status: r.status, ...(json.error ? { error: json.error } : {}) };
    },
    { method, path, body, csrf },
  );
}
