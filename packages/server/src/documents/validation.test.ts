import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../../test/support/document-pki.js';
import { nssDbTrusting, pdfsig } from '../../test/support/pdf-oracles.js';
import { DocumentError } from './pdf-document.js';
import {
  completeSignature,
  type PrepareRequest,
  prepareSignature,
  serialHexOf,
  type TrustServices,
} from './signature-builder.js';
import { formPdf, simplePdf } from './test-pdfs.js';
import { type ValidationContext, validateDocument } from './validation.js';

let pki: TestPki;
let trust: TrustServices;
let context: ValidationContext;
let nss: string;

beforeAll(async () => {
  pki = await createTestPki();
  trust = {
    timestamp: pki.timestamp,
    ocspResponseFor: pki.ocspResponseFor,
    caCertificates: () => ({
      issuing: new Uint8Array(pki.issuing.rawData),
      root: new Uint8Array(pki.root.rawData),
    }),
  };
  context = {
    trustAnchors: [new Uint8Array(pki.root.rawData)],
    freshOcsp: (cert) => pki.ocspResponseFor(serialHexOf(cert)),
    now: new Date(Date.now() + 60_000),
  };
  nss = nssDbTrusting(pki.root.toString('pem'));
});

type Signer = { cert: { rawData: ArrayBuffer }; signDigest(d: Uint8Array): Uint8Array };

async function sign(
  document: Uint8Array,
  signer: Signer,
  options: Partial<PrepareRequest> = {},
): Promise<Uint8Array> {
  const prepared = await prepareSignature({
    format: 'PAdES',
    level: 'B-LT',
    document,
    signerCertificate: new Uint8Array(signer.cert.rawData),
    signingTime: new Date(),
    ...options,
  });
  return completeSignature(prepared, signer.signDigest(prepared.digestToSign), trust);
}
const aysel = (): Signer => ({ cert: pki.signer, signDigest: pki.signDigest });

describe('signature validation (SPEC F17) — PDF', () => {
  it('passes a B-LT signature from embedded evidence alone, agreeing with pdfsig', async () => {
    const signed = await sign(await simplePdf(), aysel());
    const report = await validateDocument(signed, undefined, { ...context, freshOcsp: undefined });
    expect(report.verdict).toBe('TOTAL_PASSED');
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]).toMatchObject({
      signer: { commonName: 'Aysel Mammadova', serialNumber: 'PNOAZ-1234567' },
      level: 'B-LT',
      certificateStatus: 'GOOD',
      integrity: true,
      verdict: 'TOTAL_PASSED',
      reasons: [],
    });
    expect(report.signatures[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(report.signatures[0]?.signingTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await pdfsig(signed, nss))[0]?.signatureValid).toBe(true);
  });

  it('reports B-T with a fresh OCSP status, and INDETERMINATE without any', async () => {
    const signed = await sign(await simplePdf(), aysel(), { level: 'B-T' });
    const withFresh = await validateDocument(signed, undefined, context);
    expect(withFresh.signatures[0]).toMatchObject({ level: 'B-T', verdict: 'TOTAL_PASSED' });
    const without = await validateDocument(signed, undefined, { ...context, freshOcsp: undefined });
    expect(without.verdict).toBe('INDETERMINATE');
    expect(without.signatures[0]?.certificateStatus).toBe('UNKNOWN');
  });

  it('reports both signatures of a PDF signed by two citizens', async () => {
    const once = await sign(await formPdf(), aysel(), { level: 'B-T' });
    const twice = await sign(once, pki.secondSigner);
    const report = await validateDocument(twice, undefined, context);
    expect(report.verdict).toBe('TOTAL_PASSED');
    expect(report.signatures.map((s) => [s.signer.commonName, s.verdict])).toEqual([
      ['Aysel Mammadova', 'TOTAL_PASSED'],
      ['Rashad Aliyev', 'TOTAL_PASSED'],
    ]);
    expect(report.signatures.map((s) => s.coversWholeDocument)).toEqual([false, false]);
  });

  it('fails a PDF changed after signing, as pdfsig does', async () => {
    const signed = Buffer.from(await sign(await simplePdf('x', { objectStreams: false }), aysel()));
    signed.write('/MediaBoy', signed.indexOf('/MediaBox'), 'latin1');
    const report = await validateDocument(signed, undefined, context);
    expect(report.verdict).toBe('TOTAL_FAILED');
    expect(report.signatures[0]).toMatchObject({ integrity: false, verdict: 'TOTAL_FAILED' });
    expect((await pdfsig(signed, nss))[0]?.signatureValid).toBe(false);
  });

  it('is INDETERMINATE for a chain to a CA that is not on the trust list', async () => {
    const signed = await sign(await simplePdf(), aysel());
    const stranger = await createTestPki('Elsewhere');
    const report = await validateDocument(signed, undefined, {
      ...context,
      trustAnchors: [new Uint8Array(stranger.root.rawData)],
    });
    expect(report.verdict).toBe('INDETERMINATE');
    expect(report.signatures[0]?.reasons.join()).toMatch(/trusted CA/);
    // Once the operator adds that CA (cross-border), it validates.
    const added = await validateDocument(signed, undefined, {
      ...context,
      trustAnchors: [new Uint8Array(stranger.root.rawData), new Uint8Array(pki.root.rawData)],
    });
    expect(added.verdict).toBe('TOTAL_PASSED');
  });

  it('fails a signature whose certificate was revoked before signing', async () => {
    const other = await createTestPki('Revoking');
    other.revoked.add(other.signer.serialNumber.toLowerCase());
    const prepared = await prepareSignature({
      format: 'PAdES',
      level: 'B-LT',
      document: await simplePdf(),
      signerCertificate: new Uint8Array(other.signer.rawData),
      signingTime: new Date(),
    });
    const signed = await completeSignature(prepared, other.signDigest(prepared.digestToSign), {
      timestamp: other.timestamp,
      ocspResponseFor: other.ocspResponseFor,
      caCertificates: () => ({
        issuing: new Uint8Array(other.issuing.rawData),
        root: new Uint8Array(other.root.rawData),
      }),
    });
    const report = await validateDocument(signed, undefined, {
      trustAnchors: [new Uint8Array(other.root.rawData)],
      now: new Date(Date.now() + 60_000),
    });
    expect(report.signatures[0]).toMatchObject({
      certificateStatus: 'REVOKED',
      verdict: 'TOTAL_FAILED',
    });
  });

  it('reports a PDF without signatures as INDETERMINATE with a reason', async () => {
    const report = await validateDocument(await simplePdf(), undefined, context);
    expect(report).toMatchObject({ verdict: 'INDETERMINATE', signatures: [] });
    expect(report.reasons).toEqual(['the document has no signature']);
  });
});

describe('signature validation (SPEC F17) — CMS with detached content', () => {
  const file = new TextEncoder().encode('contract text');
  const p7s = async (level: 'B-T' | 'B-LT') => {
    const prepared = await prepareSignature({
      format: 'CAdES',
      level,
      document: file,
      signerCertificate: new Uint8Array(pki.signer.rawData),
      signingTime: new Date(),
    });
    return completeSignature(prepared, pki.signDigest(prepared.digestToSign), trust);
  };

  it('passes a CAdES B-LT signature with its content', async () => {
    const report = await validateDocument(await p7s('B-LT'), file, {
      ...context,
      freshOcsp: undefined,
    });
    expect(report.verdict).toBe('TOTAL_PASSED');
    expect(report.signatures[0]).toMatchObject({ level: 'B-LT', certificateStatus: 'GOOD' });
    expect(report.signatures[0]?.signingTime).not.toBeNull();
  });

  it('fails it over other content', async () => {
    const report = await validateDocument(
      await p7s('B-T'),
      new TextEncoder().encode('other'),
      context,
    );
    expect(report.signatures[0]).toMatchObject({ integrity: false, verdict: 'TOTAL_FAILED' });
  });

  it('refuses a detached signature without its content, and garbage', async () => {
    await expect(validateDocument(await p7s('B-T'), undefined, context)).rejects.toThrow(
      DocumentError,
    );
    await expect(
      validateDocument(new TextEncoder().encode('garbage'), undefined, context),
    ).rejects.toThrow(DocumentError);
  });
});
