import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formPdf, simplePdf } from '../../src/documents/test-pdfs.js';
import { nssDbTrusting, opensslCmsVerify, pdfsig } from '../support/pdf-oracles.js';
import {
  activatedPerson,
  PIN2,
  registerClient,
  rpCall,
  type TestClient,
  type TestDevice,
} from '../support/rp.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

/**
 * POST /rp/v1/documents/signature (SPEC §4.3, F16): the phone signs the digest of the signed
 * attributes with PIN2 and the session result carries the signed document, checked with pdfsig
 * (our root in an NSS database) and openssl cms -verify, and by our own validation API.
 */
const MAX = 512 * 1024;
let node: TestNode;
let rp: TestClient;
let aysel: TestDevice;
let rashad: TestDevice;
let rootPem: string;
let nss: string;

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

beforeAll(async () => {
  node = await startTestNode({ env: { DOCUMENT_MAX_BYTES: String(MAX) } });
  rp = await registerClient(node);
  aysel = await activatedPerson(node, { givenName: 'Aysel', familyName: 'Quliyeva' });
  rashad = await activatedPerson(node, { givenName: 'Rashad', familyName: 'Aliyev' });
  rootPem = await (await node.request('/pki/root.pem')).text();
  nss = nssDbTrusting(rootPem);
});

afterAll(async () => {
  await node?.stop();
});

/** Start a document signature, let the person's phone approve it with PIN2, return the result. */
async function signWithPhone(
  who: TestDevice,
  body: Record<string, unknown>,
): Promise<{ started: Record<string, string>; result: Record<string, unknown> }> {
  const r = await rpCall(node, rp, 'POST', '/rp/v1/documents/signature', {
    subject: { nationalId: who.nationalId },
    ...body,
  });
  expect(r.status, await r.clone().text()).toBe(201);
  const started = (await r.json()) as Record<string, string>;
  const [request] = await who.device.pendingRequests({ timeoutMs: 5000 });
  if (!request) throw new Error('the phone got no request');
  expect(request).toMatchObject({ type: 'sign', key: 'sign' });
  expect(String((request as { displayText?: string }).displayText)).toContain(
    String(body.documentName),
  );
  expect(await who.device.approve(request, PIN2)).toEqual({ endResult: 'OK' });
  const done = await rpCall(node, rp, 'GET', `/rp/v1/sessions/${started.sessionId}?timeoutMs=5000`);
  return { started, result: (await done.json()) as Record<string, unknown> };
}

describe('POST /rp/v1/documents/signature', () => {
  it('signs a PDF at B-LT: pdfsig valid and trusted, our validator TOTAL_PASSED', async () => {
    const { started, result } = await signWithPhone(aysel, {
      document: b64(await simplePdf('Declaration')),
      documentName: 'declaration.pdf',
      format: 'PAdES',
      level: 'B-LT',
      displayText: 'Income declaration 2026',
    });
    expect(started.verificationCode).toMatch(/^\d{4}$/);
    expect(result).toMatchObject({ state: 'COMPLETE', result: { endResult: 'OK' } });
    const signed = Buffer.from(String(result.document), 'base64');
    expect(await pdfsig(signed, nss)).toMatchObject([
      { commonName: 'Aysel Quliyeva', signatureValid: true, certificateTrusted: true },
    ]);
    const report = await node.request('/validation/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ document: b64(signed) }),
    });
    expect(await report.json()).toMatchObject({
      verdict: 'TOTAL_PASSED',
      signatures: [{ level: 'B-LT', certificateStatus: 'GOOD', integrity: true }],
    });
    // A second poll returns the same stored document.
    const again = (await (
      await rpCall(node, rp, 'GET', `/rp/v1/sessions/${started.sessionId}`)
    ).json()) as Record<string, unknown>;
    expect(again.document).toBe(result.document);
  });

  it('adds a second signer to a signed PDF with an AcroForm, both signatures valid', async () => {
    const first = await signWithPhone(aysel, {
      document: b64(await formPdf()),
      documentName: 'application.pdf',
      format: 'PAdES',
      level: 'B-T',
    });
    const second = await signWithPhone(rashad, {
      document: String(first.result.document),
      documentName: 'application.pdf',
      format: 'PAdES',
      level: 'B-LT',
      visibleSignature: { page: 1, x: 40, y: 40, width: 220, height: 60 },
      reason: 'Approved',
    });
    const signed = Buffer.from(String(second.result.document), 'base64');
    expect(await pdfsig(signed, nss)).toMatchObject([
      { commonName: 'Aysel Quliyeva', signatureValid: true, certificateTrusted: true },
      { commonName: 'Rashad Aliyev', signatureValid: true, certificateTrusted: true },
    ]);
    const fields = (await PDFDocument.load(signed))
      .getForm()
      .getFields()
      .map((f) => f.getName());
    expect(fields).toEqual(expect.arrayContaining(['applicant.name', 'applicant.agree']));
  });

  it('signs any file as a detached CAdES .p7s that openssl cms -verify accepts', async () => {
    const file = new TextEncoder().encode('a,b,c\n1,2,3\n');
    const { result } = await signWithPhone(aysel, {
      document: b64(file),
      documentName: 'table.csv',
      format: 'CAdES',
      level: 'B-T',
    });
    const [ok, output] = opensslCmsVerify(
      Buffer.from(String(result.document), 'base64'),
      file,
      rootPem,
    );
    expect(output).toContain('Verification successful');
    expect(ok).toBe(true);
  });

  it('returns the same session for a repeated request with the same Idempotency-Key', async () => {
    const body = {
      subject: { nationalId: rashad.nationalId },
      document: b64(await simplePdf('Repeated')),
      documentName: 'repeated.pdf',
      format: 'PAdES',
      level: 'B-T',
    };
    const headers = { 'idempotency-key': `doc-${Date.now()}` };
    const first = await rpCall(node, rp, 'POST', '/rp/v1/documents/signature', body, headers);
    const second = await rpCall(node, rp, 'POST', '/rp/v1/documents/signature', body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const a = (await first.json()) as { sessionId: string };
    const b = (await second.json()) as { sessionId: string };
    expect(b.sessionId).toBe(a.sessionId);
    const [request] = await rashad.device.pendingRequests({ timeoutMs: 5000 });
    if (!request) throw new Error('no request');
    expect(await rashad.device.approve(request, PIN2)).toEqual({ endResult: 'OK' });
    const done = (await (
      await rpCall(node, rp, 'GET', `/rp/v1/sessions/${a.sessionId}?timeoutMs=5000`)
    ).json()) as Record<string, unknown>;
    const signed = Buffer.from(String(done.document), 'base64');
    expect(await pdfsig(signed, nss)).toMatchObject([{ signatureValid: true }]);
  });

  it('carries no document when the citizen refuses', async () => {
    const r = await rpCall(node, rp, 'POST', '/rp/v1/documents/signature', {
      subject: { nationalId: aysel.nationalId },
      document: b64(await simplePdf()),
      documentName: 'refused.pdf',
      format: 'PAdES',
      level: 'B-T',
    });
    const { sessionId } = (await r.json()) as { sessionId: string };
    const [request] = await aysel.device.pendingRequests({ timeoutMs: 5000 });
    if (!request) throw new Error('no request');
    await aysel.device.refuse(request);
    const done = (await (
      await rpCall(node, rp, 'GET', `/rp/v1/sessions/${sessionId}?timeoutMs=5000`)
    ).json()) as Record<string, unknown>;
    expect(done).toMatchObject({ state: 'COMPLETE', result: { endResult: 'USER_REFUSED' } });
    expect(done.document).toBeUndefined();
  });

  it('answers 4xx for garbage, a non-PDF, an encrypted PDF, an oversized file and no credentials', async () => {
    const encrypted = await PDFDocument.create();
    encrypted.addPage();
    encrypted.context.trailerInfo.Encrypt = encrypted.context.register(
      encrypted.context.obj({ Filter: 'Standard', V: 2, R: 3 }),
    );
    const base = {
      subject: { nationalId: aysel.nationalId },
      documentName: 'x.pdf',
      format: 'PAdES',
      level: 'B-T',
    };
    const cases: [unknown, number, string][] = [
      [{ ...base, document: '%%% not base64' }, 400, 'invalid_encoding'],
      [{ ...base, document: b64(new TextEncoder().encode('hello')) }, 400, 'invalid_document'],
      [{ ...base, document: b64(await encrypted.save()) }, 400, 'invalid_document'],
      [{ ...base, document: b64((await simplePdf()).subarray(0, 100)) }, 400, 'invalid_document'],
      [{ ...base, document: b64(new Uint8Array(MAX + 1)) }, 413, 'payload_too_large'],
      [{ ...base, document: b64(await simplePdf()), format: 'XAdES' }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const r = await rpCall(node, rp, 'POST', '/rp/v1/documents/signature', body);
      expect(r.status).toBe(status);
      expect(((await r.json()) as { error: string }).error).toBe(code);
    }
    const anonymous = await rpCall(node, null, 'POST', '/rp/v1/documents/signature', {
      ...base,
      document: b64(await simplePdf()),
    });
    expect(anonymous.status).toBe(401);
  });
});
