import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeSignature,
  prepareSignature,
  type TrustServices,
} from '../../src/documents/signature-builder.js';
import { simplePdf } from '../../src/documents/test-pdfs.js';
import { adminCall, createStaff } from '../support/admin.js';
import { createTestPki, type TestPki } from '../support/document-pki.js';
import { nssDbTrusting, pdfsig } from '../support/pdf-oracles.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

/**
 * POST /validation/v1/reports (SPEC §4.3, F17) and the operator's trust list
 * (POST /admin/v1/trust-list): signatures from another country's CA validate once it is added.
 */
let node: TestNode;
let foreign: TestPki;
let signed: Uint8Array;

const MAX = 256 * 1024;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const report = (body: unknown) =>
  node.request('/validation/v1/reports', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  node = await startTestNode({ env: { DOCUMENT_MAX_BYTES: String(MAX) } });
  foreign = await createTestPki('Elsewhere');
  const trust: TrustServices = {
    timestamp: foreign.timestamp,
    ocspResponseFor: foreign.ocspResponseFor,
    caCertificates: () => ({
      issuing: new Uint8Array(foreign.issuing.rawData),
      root: new Uint8Array(foreign.root.rawData),
    }),
  };
  const prepared = await prepareSignature({
    format: 'PAdES',
    level: 'B-LT',
    document: await simplePdf('cross-border contract', { objectStreams: false }),
    signerCertificate: new Uint8Array(foreign.signer.rawData),
    signingTime: new Date(),
  });
  signed = await completeSignature(prepared, foreign.signDigest(prepared.digestToSign), trust);
});

afterAll(async () => {
  await node?.stop();
});

describe('POST /validation/v1/reports', () => {
  it('is INDETERMINATE for a foreign CA until an operator adds it to the trust list', async () => {
    const before = await report({ document: b64(signed) });
    expect(before.status).toBe(200);
    const first = (await before.json()) as { verdict: string; signatures: { reasons: string[] }[] };
    expect(first.verdict).toBe('INDETERMINATE');
    expect(first.signatures[0]?.reasons.join()).toMatch(/trusted CA/);

    const added = await adminCall(node, 'POST', '/admin/v1/trust-list', {
      body: { certificate: foreign.root.toString('pem') },
    });
    expect(added.status).toBe(201);
    const anchor = (await added.json()) as { fingerprint: string };

    const after = await report({ document: b64(signed) });
    const second = (await after.json()) as Record<string, unknown>;
    expect(second).toMatchObject({
      verdict: 'TOTAL_PASSED',
      signatures: [
        {
          signer: { commonName: 'Aysel Mammadova', serialNumber: 'PNOAZ-1234567' },
          level: 'B-LT',
          certificateStatus: 'GOOD',
          integrity: true,
          verdict: 'TOTAL_PASSED',
          reasons: [],
        },
      ],
    });
    // pdfsig with that root agrees.
    expect((await pdfsig(signed, nssDbTrusting(foreign.root.toString('pem'))))[0]).toMatchObject({
      signatureValid: true,
      certificateTrusted: true,
    });

    const removed = await adminCall(node, 'DELETE', `/admin/v1/trust-list/${anchor.fingerprint}`);
    expect(removed.status).toBe(204);
    const again = (await (await report({ document: b64(signed) })).json()) as { verdict: string };
    expect(again.verdict).toBe('INDETERMINATE');
  });

  it('fails a PDF with a changed byte', async () => {
    const tampered = Buffer.from(signed);
    tampered.write('/MediaBoy', tampered.indexOf('/MediaBox'), 'latin1');
    const r = await report({ document: b64(tampered) });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { verdict: string; signatures: { integrity: boolean }[] };
    expect(body.verdict).toBe('TOTAL_FAILED');
    expect(body.signatures[0]?.integrity).toBe(false);
  });

  it('answers 400 for garbage base64, a non-PDF, a truncated PDF and an encrypted PDF', async () => {
    const cases: [unknown, string][] = [
      [{ document: 'not base64 at all!' }, 'invalid_encoding'],
      [{ document: b64(new TextEncoder().encode('just some text')) }, 'invalid_document'],
      [{ document: b64(signed.subarray(0, 300)) }, 'invalid_document'],
      [{ document: b64(signed), extra: 1 }, 'invalid_request'],
      [{}, 'invalid_request'],
    ];
    const encrypted = await PDFDocument.create();
    encrypted.addPage();
    encrypted.context.trailerInfo.Encrypt = encrypted.context.register(
      encrypted.context.obj({ Filter: 'Standard', V: 2, R: 3 }),
    );
    cases.push([{ document: b64(await encrypted.save()) }, 'invalid_document']);
    for (const [body, code] of cases) {
      const r = await report(body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(((await r.json()) as { error: string }).error).toBe(code);
    }
  });

  it('answers 413 for a document over DOCUMENT_MAX_BYTES', async () => {
    const big = new Uint8Array(MAX + 1);
    big.set(new TextEncoder().encode('%PDF-1.7\n'));
    const r = await report({ document: b64(big) });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: string }).error).toBe('payload_too_large');
  });

  it('needs the detached content of a CMS signature', async () => {
    const prepared = await prepareSignature({
      format: 'CAdES',
      level: 'B-T',
      document: new TextEncoder().encode('data'),
      signerCertificate: new Uint8Array(foreign.signer.rawData),
      signingTime: new Date(),
    });
    const p7s = await completeSignature(prepared, foreign.signDigest(prepared.digestToSign), {
      timestamp: foreign.timestamp,
      ocspResponseFor: foreign.ocspResponseFor,
      caCertificates: () => ({
        issuing: new Uint8Array(foreign.issuing.rawData),
        root: new Uint8Array(foreign.root.rawData),
      }),
    });
    const missing = await report({ document: b64(p7s) });
    expect(missing.status).toBe(400);
    const withContent = await report({
      document: b64(p7s),
      detachedContent: b64(new TextEncoder().encode('data')),
    });
    expect(withContent.status).toBe(200);
    const body = (await withContent.json()) as { signatures: { integrity: boolean }[] };
    expect(body.signatures[0]?.integrity).toBe(true);
  });
});

describe('POST /admin/v1/trust-list', () => {
  it('is for operators only and refuses what is not a CA certificate', async () => {
    const { token: auditor } = await createStaff(node, 'auditor');
    const forbidden = await adminCall(node, 'POST', '/admin/v1/trust-list', {
      token: auditor,
      body: { certificate: foreign.root.toString('pem') },
    });
    expect(forbidden.status).toBe(403);
    const list = await adminCall(node, 'GET', '/admin/v1/trust-list', { token: auditor });
    expect(list.status).toBe(200);
    const leaf = await adminCall(node, 'POST', '/admin/v1/trust-list', {
      body: { certificate: foreign.signer.toString('pem') },
    });
    expect(leaf.status).toBe(400);
    const junk = await adminCall(node, 'POST', '/admin/v1/trust-list', {
      body: { certificate: 'AAAA' },
    });
    expect(junk.status).toBe(400);
    const anonymous = await adminCall(node, 'POST', '/admin/v1/trust-list', {
      token: null,
      body: { certificate: foreign.root.toString('pem') },
    });
    expect(anonymous.status).toBe(401);
  });
});
