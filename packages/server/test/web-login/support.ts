import { expect } from 'vitest';
import { TestBrowser } from '../oidc/support/browser.js';
import { type Citizen, PIN1 } from '../oidc/support/citizen.js';
import type { TestNode } from '../support/test-node.js';

type PendingRequest = Awaited<ReturnType<Citizen['nextRequest']>>;

export interface WebLogin {
  browser: TestBrowser;
  /** Where the log-in ended (the app, with login_error on failure). */
  landed: URL;
}

/**
 * A browser logs in to a first-party web app with Mobile ID: /web-login/v1/{audience}/login →
 * the provider's log-in page → the phone answers → back through the callback to the app.
 */
export async function webLogin(
  node: TestNode,
  audience: 'staff' | 'citizen',
  citizen: Citizen,
  options: {
    returnTo?: string;
    answer?: (request: PendingRequest) => Promise<unknown>;
    browser?: TestBrowser;
  } = {},
): Promise<WebLogin> {
  const browser = options.browser ?? new TestBrowser();
  const query = options.returnTo ? `?return_to=${encodeURIComponent(options.returnTo)}` : '';
  const { url: interaction, response } = await browser.navigate(
    `${node.url}/web-login/v1/${audience}/login${query}`,
    node.url,
  );
  expect(response?.status).toBe(200);
  expect(interaction.pathname).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
  await response?.text();
  const start = await browser.fetch(`${interaction.href}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: citizen.nationalId }),
  });
  expect(start.status).toBe(200);
  await start.arrayBuffer();
  const request = await citizen.nextRequest();
  await (
    options.answer ?? ((r) => citizen.device.approve(r, PIN1, { approvedClaims: r.claims ?? [] }))
  )(request);
  for (;;) {
    const res = await browser.fetch(`${interaction.href}/status`);
    expect(res.status).toBe(200);
    const status = (await res.json()) as { state: string; next?: string };
    if (status.state !== 'COMPLETE') continue;
    // Refused on the phone: the person cancels on the log-in page, which returns access_denied.
    const next = status.next ?? `${interaction.pathname}/abort`;
    const { url } = await browser.navigate(new URL(next, node.url), node.url);
    return { browser, landed: url };
  }
}

/** GET …/session of a logged-in browser: the CSRF token and the profile. */
export async function sessionOf(
  node: TestNode,
  browser: TestBrowser,
  audience: 'staff' | 'citizen' | 'developer',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await browser.fetch(`${node.url}/web-login/v1/${audience}/session`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, unknown>;
  // 200 either way; "status" stands for what a protected call would answer.
  return { status: body.authenticated === true ? 200 : 401, body };
}

/** A JSON call with the browser's cookies, and the CSRF token when given. */
export async function cookieCall(
  node: TestNode,
  browser: TestBrowser,
  method: string,
  path: string,
  options: { csrf?: string; body?: unknown } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.csrf !== undefined) headers['x-csrf-token'] = options.csrf;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return browser.fetch(`${node.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}
