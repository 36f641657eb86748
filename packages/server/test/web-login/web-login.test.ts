import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../oidc/support/browser.js';
import { type Citizen, PIN1, registerCitizen } from '../oidc/support/citizen.js';
import { adminCall, personBody } from '../support/admin.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { cookieCall, sessionOf, webLogin } from './support.js';

/** The system clock plus an offset a test can move forward (session expiry). */
function offsetClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
  };
}

async function linkStaff(
  node: TestNode,
  role: 'operator' | 'officer' | 'auditor',
  citizen: Citizen,
): Promise<string> {
  const r = await adminCall(node, 'POST', '/admin/v1/staff', {
    body: { role, name: `${role} ${citizen.nationalId}`, nationalId: citizen.nationalId },
  });
  expect(r.status).toBe(201);
  const body = (await r.json()) as { staffId: string; nationalId: string };
  expect(body.nationalId).toBe(citizen.nationalId);
  return body.staffId;
}

async function logEntries(node: TestNode, type: string) {
  return node.ctx.db
    .selectFrom('log_entries')
    .select(['entry_json', 'actor'])
    .where('type', '=', type)
    .execute();
}

describe('first-party web log-in with Mobile ID — consoles and portal (issue 8)', () => {
  const clock = offsetClock();
  let node: TestNode;
  let officer: Citizen;
  let auditor: Citizen;
  let outsider: Citizen;

  beforeAll(async () => {
    node = await startTestNode({ clock });
    officer = await registerCitizen(node, { givenName: 'Officer' });
    auditor = await registerCitizen(node, { givenName: 'Auditor' });
    outsider = await registerCitizen(node, { givenName: 'Outsider' });
    await linkStaff(node, 'officer', officer);
    await linkStaff(node, 'auditor', auditor);
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('an officer logs in, gets an HttpOnly session cookie and works the admin API with CSRF', async () => {
    const { browser, landed } = await webLogin(node, 'staff', officer, {
      returnTo: '/console/persons?q=1',
    });
    expect(landed.pathname).toBe('/console/persons');
    expect(landed.search).toBe('?q=1');

    const session = await sessionOf(node, browser, 'staff');
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ audience: 'staff', role: 'officer' });
    const csrf = session.body.csrfToken as string;
    expect(csrf).toMatch(/^[\w-]{43}$/);

    // The session id is stored only as a keyed hash.
    const rows = await node.ctx.db.selectFrom('web_sessions').select(['id_hash']).execute();
    expect(rows.length).toBeGreaterThan(0);

    // Reads need no CSRF token; writes do.
    const person = personBody();
    const noCsrf = await cookieCall(node, browser, 'POST', '/admin/v1/persons', { body: person });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toMatchObject({ error: 'csrf_failed' });
    const wrong = await cookieCall(node, browser, 'POST', '/admin/v1/persons', {
      body: person,
      csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`,
    });
    expect(wrong.status).toBe(403);
    const created = await cookieCall(node, browser, 'POST', '/admin/v1/persons', {
      body: person,
      csrf,
    });
    expect(created.status).toBe(201);
    const { personId } = (await created.json()) as { personId: string };
    const read = await cookieCall(node, browser, 'GET', `/admin/v1/persons/${personId}`);
    expect(read.status).toBe(200);

    // The officer's session on an operator endpoint: 403, even with the right CSRF token.
    const staffCreate = await cookieCall(node, browser, 'POST', '/admin/v1/staff', {
      body: { role: 'operator', name: 'sneaky' },
      csrf,
    });
    expect(staffCreate.status).toBe(403);
    expect(await staffCreate.json()).toMatchObject({ error: 'forbidden' });

    // The entries name the officer as the actor; CSRF failures are audited.
    const personCreated = await logEntries(node, 'person.registered');
    expect(personCreated.some((e) => e.actor.startsWith('officer:'))).toBe(true);
    expect((await logEntries(node, 'web_login.csrf_failed')).length).toBeGreaterThanOrEqual(2);
    expect((await logEntries(node, 'web_login.succeeded')).length).toBeGreaterThanOrEqual(1);

    // Log-out needs the CSRF token too; then the cookie no longer works anywhere.
    const logoutNoCsrf = await cookieCall(node, browser, 'POST', '/web-login/v1/staff/logout');
    expect(logoutNoCsrf.status).toBe(403);
    const raw = (await browser.fetch(`${node.url}/web-login/v1/staff/session`)).headers;
    expect(raw.get('cache-control')).toBe('no-store');
    const logout = await cookieCall(node, browser, 'POST', '/web-login/v1/staff/logout', { csrf });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()[0]).toMatch(/^omid_staff=; Path=\/; Max-Age=0/);
    expect((await sessionOf(node, browser, 'staff')).status).toBe(401);
    expect((await logEntries(node, 'web_login.logged_out')).length).toBeGreaterThanOrEqual(1);
  });

  it('a logged-out or replayed session cookie is refused (401)', async () => {
    const { browser } = await webLogin(node, 'staff', officer);
    const { status, body } = await sessionOf(node, browser, 'staff');
    expect(status).toBe(200);
    // A made-up session id of the right shape is refused.
    const forged = { cookie: 'omid_staff=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    const probe = await fetch(`${node.url}/admin/v1/staff`, { headers: forged });
    expect(probe.status).toBe(401);
    const asked = await fetch(`${node.url}/web-login/v1/staff/session`, { headers: forged });
    expect(await asked.json()).toEqual({ audience: 'staff', authenticated: false });
    // The stale cookie is cleared.
    expect(asked.headers.get('set-cookie')).toMatch(/^omid_staff=; Path=\/; Max-Age=0/);
    await cookieCall(node, browser, 'POST', '/web-login/v1/staff/logout', {
      csrf: body.csrfToken as string,
    });
    const after = await cookieCall(node, browser, 'GET', '/admin/v1/staff');
    expect(after.status).toBe(401);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, path-wide; never Secure over plain http', async () => {
    const browser = new TestBrowser();
    const original = browser.fetch.bind(browser);
    const cookies: string[] = [];
    browser.fetch = async (input, init) => {
      const res = await original(input, init);
      cookies.push(...res.headers.getSetCookie());
      return res;
    };
    await webLogin(node, 'staff', officer, { browser });
    const session = cookies.find((c) => c.startsWith('omid_staff='));
    expect(session).toMatch(/^omid_staff=[\w-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const flow = cookies.find((c) => c.startsWith('omid_login_staff='));
    expect(flow).toContain('Path=/web-login/v1/staff/; Max-Age=600; HttpOnly; SameSite=Lax');
  });

  it('an auditor reads but cannot change anything', async () => {
    const { browser } = await webLogin(node, 'staff', auditor);
    const { body } = await sessionOf(node, browser, 'staff');
    expect(body.role).toBe('auditor');
    const csrf = body.csrfToken as string;
    expect((await cookieCall(node, browser, 'GET', '/admin/v1/staff')).status).toBe(200);
    for (const [method, path, payload] of [
      ['POST', '/admin/v1/persons', personBody()],
      ['POST', '/admin/v1/staff', { role: 'auditor', name: 'x' }],
      ['POST', '/admin/v1/clients', { client_name: 'x', environment: 'sandbox' }],
    ] as const) {
      const r = await cookieCall(node, browser, method, path, { body: payload, csrf });
      expect(r.status, path).toBe(403);
    }
  });

  it('refuses a person who is not staff, a refusal on the phone and a disabled staff member', async () => {
    const notStaff = await webLogin(node, 'staff', outsider);
    expect(notStaff.landed.pathname).toBe('/console/');
    expect(notStaff.landed.searchParams.get('login_error')).toBe('not_staff');
    expect((await sessionOf(node, notStaff.browser, 'staff')).status).toBe(401);

    const refused = await webLogin(node, 'staff', officer, {
      answer: (r) => officer.device.refuse(r),
    });
    expect(refused.landed.searchParams.get('login_error')).toBe('access_denied');

    const failures = await logEntries(node, 'web_login.failed');
    const reasons = failures.map((f) => JSON.parse(f.entry_json).data.reason);
    expect(reasons).toEqual(expect.arrayContaining(['not_staff', 'access_denied']));

    // A staff member disabled while logged in loses the session at the next call.
    const temp = await registerCitizen(node, { givenName: 'Temp' });
    const staffId = await linkStaff(node, 'officer', temp);
    const { browser } = await webLogin(node, 'staff', temp);
    expect((await sessionOf(node, browser, 'staff')).status).toBe(200);
    expect((await adminCall(node, 'POST', `/admin/v1/staff/${staffId}/disable`)).status).toBe(200);
    expect((await cookieCall(node, browser, 'GET', '/admin/v1/staff')).status).toBe(401);
    expect((await sessionOf(node, browser, 'staff')).status).toBe(401);
  });

  it('never redirects outside the app, and a callback without its log-in is refused', async () => {
    for (const evil of ['https://evil.example/', '//evil.example/console/', '/console/\\\\evil']) {
      const browser = new TestBrowser();
      const start = await browser.fetch(
        `${node.url}/web-login/v1/staff/login?return_to=${encodeURIComponent(evil)}`,
      );
      expect(start.status).toBe(302);
      // The return address rides sealed in the flow cookie; the target is the provider.
      expect(new URL(start.headers.get('location') as string).pathname).toBe('/oidc/auth');
    }
    const browser = new TestBrowser();
    const cb = await browser.fetch(`${node.url}/web-login/v1/staff/callback?code=x&state=y`);
    expect(cb.status).toBe(302);
    const to = new URL(cb.headers.get('location') as string);
    expect(to.origin).toBe(node.url);
    expect(to.pathname).toBe('/console/');
    expect(to.searchParams.get('login_error')).toBe('no_login');

    // A callback with the flow cookie but a forged state is refused by openid-client.
    const started = new TestBrowser();
    const login = await started.fetch(`${node.url}/web-login/v1/staff/login`);
    const auth = new URL(login.headers.get('location') as string);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('prompt')).toBe('login');
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    const forged = await started.fetch(
      `${node.url}/web-login/v1/staff/callback?code=x&state=forged`,
    );
    expect(new URL(forged.headers.get('location') as string).searchParams.get('login_error')).toBe(
      'invalid_response',
    );
  });

  it('a citizen logs in to the portal; the national id must be released', async () => {
    const { browser, landed } = await webLogin(node, 'citizen', outsider, {
      returnTo: '/portal/history',
    });
    expect(landed.pathname).toBe('/portal/history');
    const session = await sessionOf(node, browser, 'citizen');
    expect(session.body).toMatchObject({
      audience: 'citizen',
      personId: outsider.personId,
      nationalId: outsider.nationalId,
    });
    // The citizen cookie is not a staff cookie.
    expect((await cookieCall(node, browser, 'GET', '/admin/v1/staff')).status).toBe(401);
    expect((await sessionOf(node, browser, 'staff')).status).toBe(401);

    const withheld = await webLogin(node, 'citizen', outsider, {
      answer: (r) => outsider.device.approve(r, PIN1, { approvedClaims: [] }),
    });
    expect(withheld.landed.searchParams.get('login_error')).toBe('national_id_not_released');
  });

  it('a session ends after the idle time (401), whatever the cookie says', async () => {
    const { browser } = await webLogin(node, 'staff', officer);
    expect((await sessionOf(node, browser, 'staff')).status).toBe(200);
    clock.advance((node.ctx.config.webSessions.idleSeconds + 1) * 1000);
    const expired = await sessionOf(node, browser, 'staff');
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ audience: 'staff', authenticated: false });
    expect((await cookieCall(node, browser, 'GET', '/admin/v1/staff')).status).toBe(401);
  });
});
