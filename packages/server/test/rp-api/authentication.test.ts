import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { decodeAuthSignedData } from '@openmid/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** SPEC §4.3 verification code, computed independently of the protocol package. */
function specVc(hash: Buffer): string {
  const d = createHash('sha256').update(hash).digest();
  return String(d.readUInt16BE(d.length - 2) % 10000).padStart(4, '0');
}

async function json(r: Response): Promise<Record<string, unknown>> {
  return (await r.json()) as Record<string, unknown>;
}

describe('POST /rp/v1/authentication — notification flow (F10, SPEC §4.3)', () => {
  let node: TestNode;
  let rp: TestClient;
  let other: TestClient;
  let leyla: TestDevice;

  beforeAll(async () => {
    node = await startTestNode({ env: { SESSION_PERSON_LIMIT_PER_MINUTE: '1000' } });
    rp = await registerClient(node, { redirect_uris: ['https://tax.example/cb'] });
    other = await registerClient(node, { redirect_uris: ['https://bank.example/cb'] });
    leyla = await activatedPerson(node);
  });
  afterAll(async () => {
    await node?.stop();
  });

  const startAuth = async (
    client: TestClient,
    who: TestDevice,
    extra: Record<string, unknown> = {},
  ) => {
    const c = challenge();
    const r = await rpCall(node, client, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: who.nationalId },
      hash: c.b64,
      hashType: 'SHA256',
      ...extra,
    });
    expect(r.status, await r.clone().text()).toBe(201);
    return {
      challenge: c,
      ...((await r.json()) as { sessionId: string; verificationCode: string }),
    };
  };
  const nextRequest = async (who: TestDevice) => {
    const [request] = await who.device.pendingRequests({ timeoutMs: 5000 });
    if (!request) throw new Error('no pending request');
    return request;
  };
  const poll = async (client: TestClient, sessionId: string, timeoutMs = 0) =>
    rpCall(node, client, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=${timeoutMs}`);

  it('completes a round trip whose signedData binds rp, challenge, code and session', async () => {
    const s = await startAuth(rp, leyla, {
      displayText: 'Log in to e-Taxes — vergi bəyannaməsi',
      claims: ['given_name', 'birthdate'],
    });
    expect(s.verificationCode).toBe(specVc(s.challenge.raw));

    const running = await json(await poll(rp, s.sessionId));
    expect(running).toEqual({ state: 'RUNNING' });

    const request = await nextRequest(leyla);
    expect(request).toMatchObject({
      sessionId: s.sessionId,
      type: 'auth',
      clientId: rp.clientId,
      rpName: rp.body.client_name,
      verificationCode: s.verificationCode,
      hash: s.challenge.b64,
      key: 'auth',
      flow: 'notification',
      claims: ['given_name', 'birthdate'],
    });
    const answered = await leyla.device.approve(request, PIN1, { approvedClaims: ['given_name'] });
    expect(answered).toEqual({ endResult: 'OK' });

    const done = await json(await poll(rp, s.sessionId, 1000));
    expect(done.state).toBe('COMPLETE');
    expect(done.result).toEqual({ endResult: 'OK' });
    const signature = done.signature as { value: string; algorithm: string; signedData: string };
    expect(signature.algorithm).toBe('ecdsa-with-SHA256');

    // The RP's checks, with node:crypto only.
    const signedData = Buffer.from(signature.signedData, 'base64');
    const data = decodeAuthSignedData(signedData);
    expect(data).toMatchObject({
      v: 1,
      type: 'auth',
      rp: rp.clientId,
      challenge: s.challenge.b64,
      vc: s.verificationCode,
      sessionId: s.sessionId,
      displayText: 'Log in to e-Taxes — vergi bəyannaməsi',
    });
    const cert = new X509Certificate(Buffer.from(done.certificate as string, 'base64'));
    expect(done.certificate).toBe(leyla.authCertificate);
    const ok = createVerify('sha256')
      .update(signedData)
      .verify({ key: cert.publicKey, dsaEncoding: 'der' }, Buffer.from(signature.value, 'base64'));
    expect(ok).toBe(true);
    expect(typeof done.ocspResponse).toBe('string');
    expect((done.ocspResponse as string).length).toBeGreaterThan(100);

    const subject = done.subject as Record<string, unknown>;
    expect(subject.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(subject)).not.toContain(leyla.nationalId);
    expect(subject.given_name).toBe('Leyla');
    expect(subject).not.toHaveProperty('birthdate');
  });

  it('answers a waiting long poll as soon as the phone answers', async () => {
    const s = await startAuth(rp, leyla);
    const started = Date.now();
    const waiting = poll(rp, s.sessionId, 30_000);
    const request = await nextRequest(leyla);
    await leyla.device.approve(request, PIN1);
    const done = await json(await waiting);
    expect(done.result).toEqual({ endResult: 'OK' });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('gives another client a different pairwise sub and hides its sessions (404)', async () => {
    const mine = await startAuth(rp, leyla);
    await leyla.device.approve(await nextRequest(leyla), PIN1);
    const a = await json(await poll(rp, mine.sessionId, 1000));

    const r = await poll(other, mine.sessionId);
    expect(r.status).toBe(404);
    expect((await json(r)).error).toBe('session_not_found');
    const del = await rpCall(node, other, 'DELETE', `/rp/v1/sessions/${mine.sessionId}`);
    expect(del.status).toBe(404);

    const theirs = await startAuth(other, leyla);
    await leyla.device.approve(await nextRequest(leyla), PIN1);
    const b = await json(await poll(other, theirs.sessionId, 1000));
    const subA = (a.subject as { sub: string }).sub;
    const subB = (b.subject as { sub: string }).sub;
    expect(subA).not.toBe(subB);
    // The same client gets the same sub every time.
    const again = await startAuth(rp, leyla);
    await leyla.device.approve(await nextRequest(leyla), PIN1);
    const c = await json(await poll(rp, again.sessionId, 1000));
    expect((c.subject as { sub: string }).sub).toBe(subA);
  });

  it('ends USER_REFUSED when the citizen refuses, and records a "not me" report', async () => {
    const s = await startAuth(rp, leyla);
    expect(await leyla.device.refuse(await nextRequest(leyla))).toEqual({
      endResult: 'USER_REFUSED',
    });
    expect((await json(await poll(rp, s.sessionId))).result).toEqual({ endResult: 'USER_REFUSED' });

    const t = await startAuth(rp, leyla);
    await leyla.device.notMe(await nextRequest(leyla));
    const done = await json(await poll(rp, t.sessionId));
    expect(done).toEqual({ state: 'COMPLETE', result: { endResult: 'USER_REFUSED' } });
    const reports = await node.ctx.db
      .selectFrom('log_entries')
      .select(['type', 'entry_json'])
      .where('type', '=', 'session.reported_not_me')
      .where('client_id', '=', rp.clientId)
      .execute();
    expect(reports.some((e) => e.entry_json.includes(t.sessionId))).toBe(true);
    const metrics = await (await node.request('/metrics')).text();
    expect(metrics).toMatch(/openmid_sessions_not_me_total [1-9]/);
  });

  it('cancels a running session; a late answer changes nothing', async () => {
    const s = await startAuth(rp, leyla);
    const request = await nextRequest(leyla);
    const del = await rpCall(node, rp, 'DELETE', `/rp/v1/sessions/${s.sessionId}`);
    expect(del.status).toBe(200);
    expect((await json(del)).result).toEqual({ endResult: 'CANCELLED' });
    const again = await rpCall(node, rp, 'DELETE', `/rp/v1/sessions/${s.sessionId}`);
    expect(again.status).toBe(409);
    expect((await json(again)).error).toBe('invalid_state');
    expect(await leyla.device.approve(request, PIN1)).toEqual({ endResult: 'CANCELLED' });
    expect((await json(await poll(rp, s.sessionId))).result).toEqual({ endResult: 'CANCELLED' });
  });

  it('keeps one running session per person: a new request cancels the old one', async () => {
    const first = await startAuth(rp, leyla);
    const second = await startAuth(other, leyla);
    expect((await json(await poll(rp, first.sessionId))).result).toEqual({
      endResult: 'CANCELLED',
    });
    const pending = await leyla.device.pendingRequests({ timeoutMs: 0 });
    expect(pending.map((p) => p.sessionId)).toEqual([second.sessionId]);
    await leyla.device.refuse(pending[0] as (typeof pending)[0]);
  });

  it('completes once: a repeated answer changes nothing, a replay to another session fails', async () => {
    const s = await startAuth(rp, leyla);
    const request = await nextRequest(leyla);
    const { createApproval } = await import('@openmid/device');
    const answer = await createApproval(leyla.device.keyStore, request, PIN1);
    expect(await leyla.device.answer(s.sessionId, answer)).toEqual({ endResult: 'OK' });
    const first = await json(await poll(rp, s.sessionId));
    expect(await leyla.device.answer(s.sessionId, { decision: 'refuse' })).toEqual({
      endResult: 'OK',
    });
    expect(await json(await poll(rp, s.sessionId))).toEqual(first);

    const t = await startAuth(rp, leyla);
    await nextRequest(leyla);
    await expect(leyla.device.answer(t.sessionId, answer)).rejects.toMatchObject({
      status: 400,
    });
    expect(await json(await poll(rp, t.sessionId))).toEqual({ state: 'RUNNING' });
    await leyla.device.refuse(await nextRequest(leyla));
  });

  it('ends CERTIFICATE_INVALID when the certificate is revoked before the answer', async () => {
    const kamal = await activatedPerson(node, { givenName: 'Kamal' });
    const s = await startAuth(rp, kamal);
    const request = await nextRequest(kamal);
    const serial = new X509Certificate(Buffer.from(kamal.authCertificate, 'base64')).serialNumber;
    await node.ctx.pki.revoke(node.ctx.db, serial.toLowerCase(), 'keyCompromise', 'operator:test');
    expect(await kamal.device.approve(request, PIN1)).toEqual({
      endResult: 'CERTIFICATE_INVALID',
    });
    expect(await json(await poll(rp, s.sessionId))).toEqual({
      state: 'COMPLETE',
      result: { endResult: 'CERTIFICATE_INVALID' },
    });
  });

  it('offers three codes with vcChoice and ends WRONG_VC on a wrong pick', async () => {
    const s = await startAuth(rp, leyla, { vcChoice: true });
    const request = await nextRequest(leyla);
    expect(request.verificationCode).toBeUndefined();
    expect(request.vcChoices).toHaveLength(3);
    expect(new Set(request.vcChoices).size).toBe(3);
    expect(request.vcChoices).toContain(s.verificationCode);
    const wrong = request.vcChoices?.find((c) => c !== s.verificationCode) as string;
    expect(await leyla.device.approve(request, PIN1, { pickedCode: wrong })).toEqual({
      endResult: 'WRONG_VC',
    });

    const t = await startAuth(rp, leyla, { vcChoice: true });
    const r2 = await nextRequest(leyla);
    expect(await leyla.device.approve(r2, PIN1, { pickedCode: t.verificationCode })).toEqual({
      endResult: 'OK',
    });
  });

  it('returns the same session for a repeated POST with the same Idempotency-Key', async () => {
    const c = challenge();
    const body = { subject: { nationalId: leyla.nationalId }, hash: c.b64, hashType: 'SHA256' };
    const key = { 'idempotency-key': `k-${c.b64.slice(0, 12)}` };
    const a = await rpCall(node, rp, 'POST', '/rp/v1/authentication', body, key);
    const b = await rpCall(node, rp, 'POST', '/rp/v1/authentication', body, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    const sa = await json(a);
    expect(await json(b)).toEqual(sa);
    const changed = await rpCall(
      node,
      rp,
      'POST',
      '/rp/v1/authentication',
      { ...body, displayText: 'other' },
      key,
    );
    expect(changed.status).toBe(409);
    expect((await json(changed)).error).toBe('conflict');
    // Another client's identical key is its own.
    const theirs = await rpCall(node, other, 'POST', '/rp/v1/authentication', body, key);
    expect((await json(theirs)).sessionId).not.toBe(sa.sessionId);
    await leyla.device.refuse(await nextRequest(leyla));
  });

  it('ends NOT_FOUND_OR_INACTIVE for an unknown person without revealing it at the start', async () => {
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { nationalId: 'PNOAZ-0000000NOBODY' },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    expect(r.status).toBe(201);
    const { sessionId } = await json(r);
    expect(await json(await poll(rp, sessionId as string))).toEqual({
      state: 'COMPLETE',
      result: { endResult: 'NOT_FOUND_OR_INACTIVE' },
    });
  });

  it('also finds the person by phone number', async () => {
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      subject: { phone: leyla.phone },
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    expect(r.status).toBe(201);
    const request = await nextRequest(leyla);
    expect(request.sessionId).toBe((await json(r)).sessionId);
    await leyla.device.refuse(request);
  });

  it('refuses a wrong secret and missing credentials with 401 invalid_client', async () => {
    const wrong = await rpCall(
      node,
      { clientId: rp.clientId, clientSecret: `${rp.clientSecret}x` },
      'POST',
      '/rp/v1/authentication',
      {},
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await json(wrong)).error).toBe('invalid_client');
    const none = await rpCall(node, null, 'GET', '/rp/v1/sessions/x');
    expect(none.status).toBe(401);
  });

  it.each([
    ['a body that is not JSON', '{nope', 400, 'invalid_json'],
    ['a missing hash', { hashType: 'SHA256' }, 400, 'invalid_request'],
    ['non-base64 hash', { hash: '!!!!', hashType: 'SHA256' }, 400, 'invalid_request'],
    ['truncated base64', { hash: 'AAAAA', hashType: 'SHA256' }, 400, 'invalid_encoding'],
    ['a short hash', { hash: 'AAAA', hashType: 'SHA256' }, 400, 'invalid_request'],
    ['an unknown hash type', { hash: 'AAAA', hashType: 'MD5' }, 400, 'invalid_request'],
    [
      'a malformed national id',
      { subject: { nationalId: '1234567' }, hash: challenge().b64, hashType: 'SHA256' },
      400,
      'invalid_national_id',
    ],
    [
      'an unknown member',
      { hash: challenge().b64, hashType: 'SHA256', extra: 1 },
      400,
      'invalid_request',
    ],
    [
      'a claim outside the allowed ones',
      {
        subject: { nationalId: 'PNOAZ-1' },
        hash: challenge().b64,
        hashType: 'SHA256',
        claims: ['email'],
      },
      403,
      'forbidden',
    ],
    [
      'a display text with control characters',
      {
        subject: { nationalId: 'PNOAZ-1' },
        hash: challenge().b64,
        hashType: 'SHA256',
        displayText: 'a\u0007b',
      },
      400,
      'invalid_request',
    ],
  ])('refuses %s', async (_what, body, status, error) => {
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', body);
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(r)).error).toBe(error);
  });

  it('refuses a long poll beyond 30 s and an unknown session', async () => {
    const r = await rpCall(node, rp, 'GET', '/rp/v1/sessions/abc?timeoutMs=30001');
    expect(r.status).toBe(400);
    const u = await rpCall(node, rp, 'GET', '/rp/v1/sessions/no-such-session');
    expect(u.status).toBe(404);
    expect((await json(u)).error).toBe('session_not_found');
  });
});
