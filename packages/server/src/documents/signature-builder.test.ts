import { PDFDocument, PDFName } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../../test/support/document-pki.js';
import { nssDbTrusting, opensslCmsVerify, pdfsig } from '../../test/support/pdf-oracles.js';
import { DocumentError } from './pdf-document.js';
import {
  completeSignature,
  type PrepareRequest,
  prepareSignature,
  type TrustServices,
} from './signature-builder.js';
import { formPdf, simplePdf } from './test-pdfs.js';

let pki: TestPki;
let trust: TrustServices;
let nss: string;
let rootPem: string;

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
  rootPem = pki.root.toString('pem');
  nss = nssDbTrusting(rootPem);
});

type Signer = { cert: { rawData: ArrayBuffer }; signDigest(d: Uint8Array): Uint8Array };
const first = (): Signer => ({ cert: pki.signer, signDigest: pki.signDigest });
const second = (): Signer => pki.secondSigner;

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
    reason: 'Declaration',
    ...options,
  });
  return completeSignature(prepared, signer.signDigest(prepared.digestToSign), trust);
}

describe('PAdES assembly (SPEC F16), checked with pdfsig', () => {
  it('signs a pdf-lib PDF with object streams at B-LT: valid, trusted, signer named', async () => {
    const signed = await sign(await simplePdf(), first());
    const [sig, ...rest] = await pdfsig(signed, nss);
    expect(rest).toEqual([]);
    expect(sig).toMatchObject({
      commonName: 'Aysel Mammadova',
      signatureValid: true,
      certificateTrusted: true,
    });
    // The DSS update follows the signed revision.
    const doc = await PDFDocument.load(signed);
    expect(doc.catalog.has(PDFName.of('DSS'))).toBe(true);
  });

  it('covers the whole document at B-T (no later update)', async () => {
    const signed = await sign(await simplePdf('x', { objectStreams: false }), first(), {
      level: 'B-T',
    });
    expect(await pdfsig(signed, nss)).toMatchObject([
      { signatureValid: true, certificateTrusted: true, wholeDocument: true },
    ]);
  });

  it('keeps the fields of an existing AcroForm', async () => {
    const signed = await sign(await formPdf(), first());
    expect(await pdfsig(signed, nss)).toMatchObject([
      { signatureValid: true, certificateTrusted: true },
    ]);
    const names = (await PDFDocument.load(signed))
      .getForm()
      .getFields()
      .map((f) => f.getName());
    expect(names).toEqual(expect.arrayContaining(['applicant.name', 'applicant.agree']));
  });

  it('adds a second signer to a signed PDF and keeps the first signature valid', async () => {
    const once = await sign(await formPdf(), first(), { level: 'B-T' });
    const twice = await sign(once, second());
    // An incremental update: the first revision is a byte-for-byte prefix.
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);
    expect(await pdfsig(twice, nss)).toMatchObject([
      { commonName: 'Aysel Mammadova', signatureValid: true, certificateTrusted: true },
      { commonName: 'Rashad Aliyev', signatureValid: true, certificateTrusted: true },
    ]);
  });

  it('draws a visible signature on the chosen page', async () => {
    const signed = await sign(await simplePdf('two pages', { pages: 2 }), first(), {
      visible: { page: 1, rect: { x: 40, y: 40, width: 220, height: 60 } },
    });
    expect(await pdfsig(signed, nss)).toMatchObject([
      { signatureValid: true, certificateTrusted: true },
    ]);
    const doc = await PDFDocument.load(signed);
    const annots = doc.getPage(1).node.Annots();
    expect(annots?.size()).toBe(1);
    expect(doc.getPage(0).node.Annots()?.size() ?? 0).toBe(0);
  });

  it('is reported invalid by pdfsig when a signed byte changes', async () => {
    const signed = Buffer.from(await sign(await simplePdf('x', { objectStreams: false }), first()));
    const at = signed.indexOf('/MediaBox');
    signed.write('/MediaBoy', at, 'latin1');
    const [sig] = await pdfsig(signed, nss);
    expect(sig?.signatureValid).toBe(false);
  });

  it('refuses a signature made by another key', async () => {
    const prepared = await prepareSignature({
      format: 'PAdES',
      level: 'B-T',
      document: await simplePdf(),
      signerCertificate: new Uint8Array(pki.signer.rawData),
      signingTime: new Date(),
    });
    await expect(
      completeSignature(prepared, pki.secondSigner.signDigest(prepared.digestToSign), trust),
    ).rejects.toThrow(DocumentError);
  });
});

describe('CAdES detached (SPEC F16), checked with openssl cms -verify', () => {
  for (const level of ['B-B', 'B-T', 'B-LT'] as const) {
    it(`verifies a ${level} .p7s over any file`, async () => {
      const file = new TextEncoder().encode('Any file at all: ünïcödé, 中文, ə\n');
      const prepared = await prepareSignature({
        format: 'CAdES',
        level,
        document: file,
        signerCertificate: new Uint8Array(pki.signer.rawData),
        signingTime: new Date(),
      });
      const p7s = await completeSignature(prepared, pki.signDigest(prepared.digestToSign), trust);
      const [ok, output] = opensslCmsVerify(p7s, file, rootPem);
      expect(output).toContain('Verification successful');
      expect(ok).toBe(true);
      const [tamperedOk] = opensslCmsVerify(p7s, new TextEncoder().encode('another file'), rootPem);
      expect(tamperedOk).toBe(false);
    });
  }
});

describe('documents the platform refuses', () => {
  const prepare = (document: Uint8Array) =>
    prepareSignature({
      format: 'PAdES',
      level: 'B-T',
      document,
      signerCertificate: new Uint8Array(pki.signer.rawData),
      signingTime: new Date(),
    });

  it('refuses bytes that are not a PDF', async () => {
    await expect(prepare(new TextEncoder().encode('hello'))).rejects.toThrow(/not a PDF/);
  });

  it('refuses a truncated PDF', async () => {
    const pdf = await simplePdf();
    await expect(prepare(pdf.subarray(0, 200))).rejects.toThrow(DocumentError);
  });

  it('refuses an encrypted PDF', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.context.trailerInfo.Encrypt = doc.context.register(
      doc.context.obj({ Filter: 'Standard', V: 2, R: 3, Length: 128 }),
    );
    await expect(prepare(await doc.save())).rejects.toThrow(/encrypted/);
  });

  it('refuses a visible signature on a page that does not exist', async () => {
    await expect(
      prepareSignature({
        format: 'PAdES',
        level: 'B-T',
        document: await simplePdf(),
        signerCertificate: new Uint8Array(pki.signer.rawData),
        signingTime: new Date(),
        visible: { page: 3, rect: { x: 0, y: 0, width: 10, height: 10 } },
      }),
    ).rejects.toThrow(/page 4 does not exist/);
  });
});
