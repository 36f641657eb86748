import { qrAuthCode, qrPayload } from '@openmid/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import {
  activatedPerson,
  challenge,
  PIN1,
  registerClient,
  rpCall,
  type TestClient,
  type TestDevice,
} from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('QR / device-link authentication (F11)', () => {
  const clock = fixedClock(new Date());
  let node: TestNode;
  let rp: TestClient;
  let aysel: TestDevice;

  beforeAll(async () => {
    node = await startTestNode({ clock, env: { SESSION_PERSON_LIMIT_PER_MINUTE: '1000' } });
    rp = await registerClient(node, { allowed_claims: ['given_name'] });
    aysel = await activatedPerson(node, { givenName: 'Aysel' });
  });
  afterAll(async () => {
    await node?.stop();
  });

  const claimed = async (qr: string) => {
    const request = await aysel.device.claimQr(qr);
    if (!request) throw new Error('the server did not return the claimed request');
    return request;
  };
  const startQr = async () => {
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      hash: challenge().b64,
      hashType: 'SHA256',
      claims: ['given_name'],
    });
    expect(r.status).toBe(201);
    return (await r.json()) as {
      sessionId: string;
      qrStartToken: string;
      qrStartSecret: string;
      deviceLink: string;
      verificationCode?: string;
    };
  };

  it('asks the device that scans the current code, and completes with its person', async () => {
    const s = await startQr();
    expect(s.verificationCode).toBeUndefined();
    expect(s.deviceLink).toContain(s.qrStartToken);
    clock.advance(2000);
    const request = await claimed(await qrPayload(s.qrStartToken, s.qrStartSecret, 2));
    expect(request).toMatchObject({ sessionId: s.sessionId, flow: 'qr', type: 'auth' });
    expect(await aysel.device.approve(request, PIN1)).toEqual({ endResult: 'OK' });
    const done = (await (
      await rpCall(node, rp, 'GET', `/rp/v1/sessions/${s.sessionId}`)
    ).json()) as {
      subject: Record<string, unknown>;
      signature: { signedData: string };
    };
    expect(done.subject.given_name).toBe('Aysel');
    expect(JSON.parse(Buffer.from(done.signature.signedData, 'base64').toString())).toMatchObject({
      flow: 'qr',
      sessionId: s.sessionId,
    });
  });

  it('refuses a photographed code from earlier seconds and a code from the future', async () => {
    const s = await startQr();
    const photo = await qrPayload(s.qrStartToken, s.qrStartSecret, 0);
    clock.advance(5000);
    await expect(aysel.device.claimQr(photo)).rejects.toMatchObject({ status: 400 });
    await expect(
      aysel.device.claimQr(await qrPayload(s.qrStartToken, s.qrStartSecret, 9)),
    ).rejects.toMatchObject({ status: 400 });
    // The current code still works: the stale ones did not burn the session.
    const request = await claimed(await qrPayload(s.qrStartToken, s.qrStartSecret, 5));
    expect(request.sessionId).toBe(s.sessionId);
    await aysel.device.refuse(request);
  });

  it('refuses a code made with another secret and a second claim of one session', async () => {
    const s = await startQr();
    const forged = `mid://qr?t=${s.qrStartToken}&c=0&h=${await qrAuthCode(Buffer.alloc(32).toString('base64url'), 0)}`;
    await expect(aysel.device.claimQr(forged)).rejects.toMatchObject({ status: 400 });
    const request = await claimed(await qrPayload(s.qrStartToken, s.qrStartSecret, 0));
    const other = await activatedPerson(node);
    await expect(
      other.device.claimQr(await qrPayload(s.qrStartToken, s.qrStartSecret, 0)),
    ).rejects.toMatchObject({ status: 409 });
    await aysel.device.refuse(request);
  });

  it('refuses garbage QR payloads with 400', async () => {
    for (const qr of ['hello', 'mid://qr?t=&c=&h=', 'mid://qr?t=aaaaaaaaaaaaaaaaaaaaaa&c=1&h=00']) {
      await expect(aysel.device.claimQr(qr)).rejects.toMatchObject({ status: 400 });
    }
  });

  it('times a session out when nobody answers', async () => {
    const leyla = await activatedPerson(node);
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: leyla.nationalId },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    const { sessionId } = (await r.json()) as { sessionId: string };
    clock.advance(121_000);
    const done = await (await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}`)).json();
    expect(done).toEqual({ state: 'COMPLETE', result: { endResult: 'TIMEOUT' } });
  });
});
