import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../oidc/support/browser.js';
import { nssDbTrusting, pdfsig } from '../support/pdf-oracles.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

/**
 * The sandbox's demo RP (issue 5) over HTTP: log in through the real log-in page with a test
 * person whose virtual phone approves, see the released claims, sign the declaration, download a
 * PDF that pdfsig accepts. The browser-driven journey is e2e/specs/oidc-login.spec.ts.
 */
let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({ env: { SANDBOX: 'true' } });
});

afterAll(async () => {
  await node?.stop();
});

async function logIn(browser: TestBrowser, nationalId: string): Promise<Response> {
  const { url: interaction, response } = await browser.navigate(
    `${node.url}/demo-rp/login?lang=az`,
    node.url,
  );
  expect(response?.status, `${interaction.href} ${await response?.clone().text()}`).toBe(200);
  expect(interaction.pathname).toMatch(/^\/oidc\/interaction\//);
  const start = await browser.fetch(`${interaction.href}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: nationalId }),
  });
  expect(start.status).toBe(200);
  let status: { state: string; endResult?: string; next?: string };
  do {
    status = (await (await browser.fetch(`${interaction.href}/status`)).json()) as typeof status;
  } while (status.state !== 'COMPLETE');
  const done = await browser.navigate(new URL(status.next as string, node.url), node.url);
  expect(done.response).toBeDefined();
  return done.response as Response;
}

describe('demo RP: e-Tax portal (sandbox)', () => {
  it('logs in with OIDC, shows the released claims and signs the declaration', async () => {
    const browser = new TestBrowser();
    const home = await logIn(browser, 'PNOAZ-9000001');
    const html = await home.text();
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('lang="az"');
    expect(html).toContain('Xoş gəlmisiniz, Approve Always');
    expect(html).toContain('<code>national_id</code></td><td>PNOAZ-9000001');
    expect(html).toContain('http://eidas.europa.eu/LoA/substantial');
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;

    // Without the CSRF token nothing is signed.
    const forged = await browser.fetch(`${node.url}/demo-rp/declarations`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'income=1&csrf=wrong',
    });
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe('/demo-rp/');

    const sign = await browser.fetch(`${node.url}/demo-rp/declarations`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, income: '24000' }).toString(),
    });
    expect(sign.status).toBe(303);
    const pending = new URL(sign.headers.get('location') as string, node.url);
    expect(pending.pathname).toMatch(/^\/demo-rp\/declarations\/[0-9a-f-]{36}$/);
    let page = '';
    for (let i = 0; i < 20 && !page.includes('data-testid="download"'); i++) {
      page = await (await browser.fetch(pending)).text();
    }
    expect(page).toContain('data-testid="download"');
    const pdf = await browser.fetch(`${pending.href.split('?')[0]}/document`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const nss = nssDbTrusting(await (await node.request('/pki/root.pem')).text());
    expect(await pdfsig(new Uint8Array(await pdf.arrayBuffer()), nss)).toMatchObject([
      { commonName: 'Approve Always', signatureValid: true, certificateTrusted: true },
    ]);

    // Another browser cannot read this declaration.
    const stranger = new TestBrowser();
    const stolen = await stranger.fetch(`${pending.href.split('?')[0]}/document`);
    expect(stolen.status).toBe(303);
  });

  it('shows a clear error with a retry when the person cancels after a refusal', async () => {
    const browser = new TestBrowser();
    const { url: interaction } = await browser.navigate(`${node.url}/demo-rp/login`, node.url);
    await browser.fetch(`${interaction.href}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'PNOAZ-9000002' }),
    });
    let status: { state: string; endResult?: string; next?: string };
    do {
      status = (await (await browser.fetch(`${interaction.href}/status`)).json()) as typeof status;
    } while (status.state !== 'COMPLETE');
    expect(status.endResult).toBe('USER_REFUSED');
    expect(status.next).toBeUndefined();
    // "Cancel" on the log-in page: the provider answers access_denied to the demo RP.
    const back = await browser.navigate(`${interaction.href}/abort`, node.url);
    expect(back.url.pathname).toBe('/demo-rp/callback');
    const html = await (back.response as Response).text();
    expect(html).toContain('data-testid="error"');
    expect(html).toContain('The log-in was cancelled or refused on the phone.');
    expect(html).toContain('href="/demo-rp/login"');
  });
});
