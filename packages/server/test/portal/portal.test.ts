import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBrowser } from '../oidc/support/browser.js';
import { type Citizen, registerCitizen } from '../oidc/support/citizen.js';
import { challenge, registerClient, rpCall } from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { cookieCall, sessionOf, webLogin } from '../web-login/support.js';

describe('self-service portal API /portal/v1 (F23)', () => {
  let node: TestNode;
  let leyla: Citizen;
  let other: Citizen;
  let browser: TestBrowser;
  let csrf: string;

  beforeAll(async () => {
    node = await startTestNode({ env: { SESSION_PERSON_LIMIT_PER_MINUTE: '1000' } });
    leyla = await registerCitizen(node, { givenName: 'Leyla', familyName: 'Məmmədova' });
    other = await registerCitizen(node);
    ({ browser } = await webLogin(node, 'citizen', leyla, { returnTo: '/portal/' }));
    const session = await sessionOf(node, browser, 'citizen');
    expect(session.status).toBe(200);
    csrf = session.body.csrfToken as string;
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('tells the page whether someone is logged in, without an error when nobody is', async () => {
    const anonymous = await node.request('/portal/v1/session');
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ loggedIn: false });
    const forged = await node.request('/portal/v1/session', {
      headers: { cookie: 'omid_citizen=forged-session-id' },
    });
    expect(await forged.json()).toEqual({ loggedIn: false });
    const r = await cookieCall(node, browser, 'GET', '/portal/v1/session');
    expect(await r.json()).toMatchObject({
      loggedIn: true,
      nationalId: leyla.nationalId,
      givenName: 'Leyla',
      csrfToken: csrf,
    });
  });

  it('shows the citizen, their device and its certificates', async () => {
    const r = await cookieCall(node, browser, 'GET', '/portal/v1/overview');
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      person: Record<string, string>;
      devices: { deviceId: string; status: string; certificates: { purpose: string }[] }[];
    };
    expect(body.person).toEqual({
      nationalId: leyla.nationalId,
      givenName: 'Leyla',
      familyName: 'Məmmədova',
    });
    expect(body.devices).toHaveLength(1);
    expect(body.devices[0]?.status).toBe('active');
    expect(body.devices[0]?.certificates.map((c) => c.purpose).sort()).toEqual(['auth', 'sign']);
  });

  it('lists the usage log, with the portal log-in in it', async () => {
    const r = await cookieCall(node, browser, 'GET', '/portal/v1/history?kind=data_release');
    expect(r.status).toBe(200);
    const { entries } = (await r.json()) as { entries: { claims?: string[] }[] };
    // The portal's own log-in released the national id (by name only).
    expect(entries[0]?.claims).toContain('national_id');
    expect(JSON.stringify(entries)).not.toContain(leyla.nationalId);
    const bad = await cookieCall(node, browser, 'GET', '/portal/v1/history?kind=nope');
    expect(bad.status).toBe(400);
  });

  it('refuses without a session, without the CSRF token, and for another person’s device', async () => {
    expect((await node.request('/portal/v1/overview')).status).toBe(401);
    expect((await node.request('/portal/v1/history')).status).toBe(401);
    const otherDevice = (
      (await (await cookieCall(node, browser, 'GET', '/portal/v1/overview')).json()) as {
        devices: { deviceId: string }[];
      }
    ).devices[0]?.deviceId as string;
    const noCsrf = await cookieCall(
      node,
      browser,
      'POST',
      `/portal/v1/devices/${otherDevice}/suspend`,
    );
    expect(noCsrf.status).toBe(403);
    const wrongCsrf = await cookieCall(
      node,
      browser,
      'POST',
      `/portal/v1/devices/${otherDevice}/suspend`,
      { csrf: `${csrf}x` },
    );
    expect(wrongCsrf.status).toBe(403);
    // Another person's device: not found, and nothing changes.
    const { device: otherPhone } = other;
    const status = await otherPhone.status();
    const foreign = await cookieCall(
      node,
      browser,
      'POST',
      `/portal/v1/devices/${status.deviceId}/suspend`,
      { csrf },
    );
    expect(foreign.status).toBe(404);
    expect((await otherPhone.status()).status).toBe('active');
  });

  it('suspends a lost device: the next log-in fails, and it cannot be resumed here', async () => {
    const rp = await registerClient(node);
    const overview = (await (
      await cookieCall(node, browser, 'GET', '/portal/v1/overview')
    ).json()) as {
      devices: { deviceId: string }[];
    };
    const deviceId = overview.devices[0]?.deviceId as string;
    const r = await cookieCall(node, browser, 'POST', `/portal/v1/devices/${deviceId}/suspend`, {
      csrf,
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ deviceId, status: 'suspended' });
    const again = await cookieCall(
      node,
      browser,
      'POST',
      `/portal/v1/devices/${deviceId}/suspend`,
      {
        csrf,
      },
    );
    expect(again.status).toBe(409);
    const resume = await cookieCall(
      node,
      browser,
      'POST',
      `/portal/v1/devices/${deviceId}/resume`,
      {
        csrf,
      },
    );
    expect(resume.status).toBe(404);

    const start = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: leyla.nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    const { sessionId } = (await start.json()) as { sessionId: string };
    const done = await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=5000`);
    expect(((await done.json()) as { result: { endResult: string } }).result.endResult).toBe(
      'NOT_FOUND_OR_INACTIVE',
    );
    const history = (await (
      await cookieCall(node, browser, 'GET', '/portal/v1/history?kind=security')
    ).json()) as { entries: { event: string; by: string }[] };
    expect(history.entries[0]).toMatchObject({ event: 'device.suspended', by: 'person' });
  });
});
