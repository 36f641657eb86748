import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simplePdf } from '../../src/documents/test-pdfs.js';
import { adminCall, createStaff, uniqueNationalId } from '../support/admin.js';
import { nssDbTrusting, pdfsig, scratchDir } from '../support/pdf-oracles.js';
import { activatedPerson, PIN2, type TestDevice } from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

/**
 * Call-centre confirmation (SPEC F19) over HTTP: an agent sends a declaration to a person's phone,
 * the phone (the device SDK) confirms it with PIN2, the signed PDF validates in poppler's pdfsig
 * and shows the text (pdftotext); refusals, roles and bad input.
 */
let node: TestNode;
let leyla: TestDevice;
let agent: string;
let otherAgent: string;
let officer: string;
let auditor: string;
let nss: string;

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

function pdftotext(pdf: Uint8Array): string {
  const file = join(scratchDir(), 'declaration.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

beforeAll(async () => {
  node = await startTestNode();
  leyla = await activatedPerson(node, { givenName: 'Leyla', familyName: 'Məmmədova' });
  agent = (await createStaff(node, 'call_centre')).token;
  otherAgent = (await createStaff(node, 'call_centre')).token;
  officer = (await createStaff(node, 'officer')).token;
  auditor = (await createStaff(node, 'auditor')).token;
  nss = nssDbTrusting(await (await node.request('/pki/root.pem')).text());
});

afterAll(async () => {
  await node?.stop();
});

async function declare(body: Record<string, unknown>, token = agent) {
  const r = await adminCall(node, 'POST', '/admin/v1/declarations', { token, body });
  expect(r.status, await r.clone().text()).toBe(201);
  return (await r.json()) as Record<string, string>;
}

async function state(id: string, token = agent, wait = 5000) {
  const r = await adminCall(node, 'GET', `/admin/v1/declarations/${id}?timeoutMs=${wait}`, {
    token,
  });
  expect(r.status).toBe(200);
  return (await r.json()) as Record<string, string>;
}

describe('call-centre declarations (F19)', () => {
  it('sends a text declaration to the phone; PIN2 signs it; the PDF validates and reads back', async () => {
    const text =
      'Mən, Leyla Məmmədova, 2026-cı il üçün gəlir bəyannaməmi təsdiq edirəm.\nMəbləğ: 12 500 AZN.';
    const created = await declare({
      nationalId: leyla.nationalId,
      title: 'Gəlir bəyannaməsi 2026',
      text,
    });
    expect(created).toMatchObject({ status: 'pending', source: 'text' });
    expect(created.verificationCode).toMatch(/^\d{4}$/);

    const [request] = await leyla.device.pendingRequests({ timeoutMs: 5000 });
    if (!request) throw new Error('the phone got no request');
    expect(request).toMatchObject({
      type: 'sign',
      key: 'sign',
      rpName: 'Call centre',
      verificationCode: created.verificationCode,
    });
    expect(request.displayText).toContain('Gəlir bəyannaməsi 2026');
    expect(request.displayText).toContain('Mən, Leyla Məmmədova');
    expect(await leyla.device.approve(request, PIN2)).toEqual({ endResult: 'OK' });

    expect(await state(created.declarationId as string)).toMatchObject({
      status: 'signed',
      endResult: 'OK',
    });
    const download = await adminCall(
      node,
      'GET',
      `/admin/v1/declarations/${created.declarationId}/document`,
      { token: agent },
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    const pdf = new Uint8Array(await download.arrayBuffer());
    expect(await pdfsig(pdf, nss)).toMatchObject([
      {
        commonName: 'Leyla Məmmədova',
        signatureValid: true,
        certificateTrusted: true,
      },
    ]);
    const shown = pdftotext(pdf);
    expect(shown).toContain('Gəlir bəyannaməsi 2026');
    expect(shown).toContain('Məbləğ: 12 500 AZN.');
    expect(shown).toContain('Signed by Leyla Məmmədova');

    const report = await node.request('/validation/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ document: b64(pdf) }),
    });
    expect(await report.json()).toMatchObject({
      verdict: 'TOTAL_PASSED',
      signatures: [{ level: 'B-LT', certificateStatus: 'GOOD' }],
    });

    // In the citizen's own log (F22): created, confirmed and downloaded.
    await node.ctx.audit.integrate();
    const entries = await node.ctx.audit.listForPerson(node.ctx.db, leyla.personId, {
      types: ['declaration.created', 'declaration.confirmed', 'declaration.downloaded'],
      limit: 10,
    });
    expect(entries.map((e) => e.type).sort()).toEqual([
      'declaration.confirmed',
      'declaration.created',
      'declaration.downloaded',
    ]);
    const createdEntry = entries.find((e) => e.type === 'declaration.created');
    expect(createdEntry?.actor).toMatch(/^call_centre:/);
    // The log is public: no title or text in it.
    expect(JSON.stringify(entries)).not.toContain('bəyannamə');
  });

  it('signs a PDF the agent uploads, by phone number', async () => {
    const created = await declare({
      phone: leyla.phone,
      title: 'Contract amendment',
      pdf: b64(await simplePdf('Contract amendment')),
      summary: 'Tariff change from 1 December',
    });
    const [request] = await leyla.device.pendingRequests({ timeoutMs: 5000 });
    if (!request) throw new Error('the phone got no request');
    expect(request.displayText).toBe('Contract amendment — Tariff change from 1 December');
    await leyla.device.approve(request, PIN2);
    expect(await state(created.declarationId as string)).toMatchObject({ status: 'signed' });
    const download = await adminCall(
      node,
      'GET',
      `/admin/v1/declarations/${created.declarationId}/document`,
      { token: agent },
    );
    const signed = new Uint8Array(await download.arrayBuffer());
    expect(await pdfsig(signed, nss)).toMatchObject([
      { commonName: 'Leyla Məmmədova', signatureValid: true, certificateTrusted: true },
    ]);
  });

  it('records a refusal; there is nothing to download', async () => {
    const created = await declare({
      nationalId: leyla.nationalId,
      title: 'Refused declaration',
      text: 'I did not ask for this.',
    });
    const [request] = await leyla.device.pendingRequests({ timeoutMs: 5000 });
    if (!request) throw new Error('the phone got no request');
    await leyla.device.refuse(request);
    expect(await state(created.declarationId as string)).toMatchObject({
      status: 'refused',
      endResult: 'USER_REFUSED',
    });
    const download = await adminCall(
      node,
      'GET',
      `/admin/v1/declarations/${created.declarationId}/document`,
      { token: agent },
    );
    expect(download.status).toBe(409);
    expect(((await download.json()) as { error: string }).error).toBe('invalid_state');
    await node.ctx.audit.integrate();
    const refused = await node.ctx.audit.listForPerson(node.ctx.db, leyla.personId, {
      types: ['declaration.refused'],
      limit: 5,
    });
    expect(refused[0]?.data).toMatchObject({ declarationId: created.declarationId });
  });

  it('ends at once for someone without Mobile ID', async () => {
    const created = await declare({
      nationalId: uniqueNationalId(),
      title: 'Nobody',
      text: 'No phone to ask.',
    });
    expect(created).toMatchObject({ status: 'failed', endResult: 'NOT_FOUND_OR_INACTIVE' });
  });

  it('lets only call-centre agents (their own) and operators in', async () => {
    const mine = await declare({ nationalId: uniqueNationalId(), title: 'Mine', text: 'x' });
    const path = `/admin/v1/declarations/${mine.declarationId}`;
    const body = { nationalId: leyla.nationalId, title: 'Not allowed', text: 'x' };
    for (const token of [officer, auditor]) {
      for (const [method, p, b] of [
        ['POST', '/admin/v1/declarations', body],
        ['GET', '/admin/v1/declarations', undefined],
        ['GET', path, undefined],
        ['GET', `${path}/document`, undefined],
      ] as const) {
        const r = await adminCall(node, method, p, { token, ...(b ? { body: b } : {}) });
        expect(r.status, `${method} ${p}`).toBe(403);
      }
    }
    expect((await adminCall(node, 'GET', path, { token: null })).status).toBe(401);
    // The role is checked before the body is read: a bad body from an officer is still a 403.
    const garbage = await adminCall(node, 'POST', '/admin/v1/declarations', {
      token: officer,
      rawBody: '{"not json',
    });
    expect(garbage.status).toBe(403);
    const anonymous = await adminCall(node, 'POST', '/admin/v1/declarations', {
      token: null,
      body: { title: 1 },
    });
    expect(anonymous.status).toBe(401);
    // Another agent does not see it at all; the operator does.
    expect((await adminCall(node, 'GET', path, { token: otherAgent })).status).toBe(404);
    const theirs = (await (
      await adminCall(node, 'GET', '/admin/v1/declarations', { token: otherAgent })
    ).json()) as { declarations: { declarationId: string }[] };
    expect(theirs.declarations.map((d) => d.declarationId)).not.toContain(mine.declarationId);
    expect((await adminCall(node, 'GET', path)).status).toBe(200);
    const all = (await (
      await adminCall(node, 'GET', '/admin/v1/declarations?limit=100')
    ).json()) as {
      declarations: { declarationId: string }[];
    };
    expect(all.declarations.map((d) => d.declarationId)).toContain(mine.declarationId);
    // An agent may do nothing else in the admin API.
    for (const [method, p] of [
      ['GET', `/admin/v1/persons?nationalId=${leyla.nationalId}`],
      ['GET', `/admin/v1/persons/${leyla.personId}`],
      ['POST', `/admin/v1/persons/${leyla.personId}/activation-codes`],
      ['GET', '/admin/v1/staff'],
      ['GET', `/admin/v1/devices/${leyla.deviceId}`],
      ['POST', `/admin/v1/devices/${leyla.deviceId}/suspend`],
      ['GET', '/admin/v1/clients/call-centre'],
      ['GET', '/admin/v1/trust-list'],
      ['GET', '/admin/v1/verifier-roles'],
    ] as const) {
      expect((await adminCall(node, method, p, { token: agent })).status, p).toBe(403);
    }
    const client = await adminCall(node, 'POST', '/admin/v1/clients', {
      token: agent,
      body: { client_name: 'Not mine', environment: 'sandbox' },
    });
    expect(client.status).toBe(403);
  });

  it('answers 4xx for bad input', async () => {
    const ok = { nationalId: leyla.nationalId, title: 'T', text: 'x' };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...ok, phone: leyla.phone }, 400, 'invalid_request'],
      [{ title: 'T', text: 'x' }, 400, 'invalid_request'],
      [{ ...ok, nationalId: '12345' }, 400, 'invalid_national_id'],
      [{ ...ok, pdf: b64(await simplePdf()) }, 400, 'invalid_request'],
      [{ nationalId: leyla.nationalId, title: 'T' }, 400, 'invalid_request'],
      [{ nationalId: leyla.nationalId, title: 'T', pdf: '%%%' }, 400, 'invalid_encoding'],
      [
        { nationalId: leyla.nationalId, title: 'T', pdf: b64(Buffer.from('hi')) },
        400,
        'invalid_document',
      ],
      [{ ...ok, title: 'Pay \u202Eevil' }, 400, 'invalid_request'],
      [{ ...ok, title: 'two\nlines' }, 400, 'invalid_request'],
      [{ ...ok, text: 'bell \u0007' }, 400, 'invalid_request'],
      [{ ...ok, title: '   ' }, 400, 'invalid_request'],
      [{ ...ok, extra: 1 }, 400, 'invalid_request'],
      [{ ...ok, title: 'x'.repeat(121) }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const r = await adminCall(node, 'POST', '/admin/v1/declarations', { token: agent, body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(((await r.json()) as { error: string }).error).toBe(code);
    }
    const raw = await adminCall(node, 'POST', '/admin/v1/declarations', {
      token: agent,
      rawBody: '{"title":',
    });
    expect(raw.status).toBe(400);
    for (const p of [
      '/admin/v1/declarations/not-a-uuid',
      '/admin/v1/declarations/00000000-0000-4000-8000-000000000000?timeoutMs=99999',
      '/admin/v1/declarations?limit=0',
      '/admin/v1/declarations?before=yesterday',
      '/admin/v1/declarations?status=lost',
    ]) {
      expect((await adminCall(node, 'GET', p, { token: agent })).status, p).toBe(400);
    }
    expect(
      (
        await adminCall(
          node,
          'GET',
          '/admin/v1/declarations/00000000-0000-4000-8000-000000000000',
          {
            token: agent,
          },
        )
      ).status,
    ).toBe(404);
  });
});
