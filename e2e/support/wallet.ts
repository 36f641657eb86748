import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { adminCall, registerPerson } from '../../packages/server/test/support/admin.js';
import type { TestNode } from './platform.js';

export const WALLET_PIN1 = '2580';
export const WALLET_PIN2 = '36914';

/** Register a person and issue an activation code, as an officer would (admin API). */
export async function personWithCode(
  node: TestNode,
  overrides: Record<string, unknown> = {},
): Promise<{ personId: string; nationalId: string; activationCode: string; puk: string }> {
  const { personId, body } = await registerPerson(node, overrides);
  const r = await adminCall(node, 'POST', `/admin/v1/persons/${personId}/activation-codes`);
  expect(r.status).toBe(201);
  const { activationCode, puk } = (await r.json()) as { activationCode: string; puk: string };
  return { personId, nationalId: body.nationalId as string, activationCode, puk };
}

/**
 * Activate the wallet in the browser: code, PIN1 twice, PIN2 twice, the PUK envelope typed back.
 * `shoot` is called at each screen (screenshots). Returns the PUK the wallet showed.
 */
export async function activateInBrowser(
  page: Page,
  code: string,
  shoot: (name: string) => Promise<void> = async () => {},
  enterCode: (page: Page) => Promise<void> = (p) => p.getByTestId('activation-code').fill(code),
): Promise<string> {
  await page.goto('/wallet/');
  await page.getByRole('link', { name: /Activate|aktivləşdir|啟用/ }).click();
  await enterCode(page);
  await shoot('activate-code');
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('pin1').fill(WALLET_PIN1);
  await page.getByTestId('pin1-again').fill(WALLET_PIN1);
  await shoot('activate-pin1');
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('pin2').fill(WALLET_PIN2);
  await page.getByTestId('pin2-again').fill(WALLET_PIN2);
  await shoot('activate-pin2');
  await page.locator('form button[type=submit]').click();
  const puk = page.getByTestId('puk');
  await puk.waitFor({ timeout: 60_000 });
  const shown = ((await puk.textContent()) ?? '').trim();
  await shoot('activate-puk');
  await page.getByTestId('puk-again').fill(shown);
  await page.locator('form button[type=submit]').click();
  await page.locator('.outcome').waitFor();
  await shoot('activate-done');
  await page.locator('.outcome button').click();
  return shown;
}

/** Type the PIN on the open request, approve, and wait for the outcome screen. */
export async function approveWithPin(page: Page, pin: string): Promise<void> {
  await page.getByTestId('request-pin').fill(pin);
  await page.getByTestId('approve').click();
  await page.getByTestId('outcome').waitFor();
}
