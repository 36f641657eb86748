import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { createTestPki, type TestPki } from '../../test/support/document-pki.js';
import { DocumentError } from './pdf-document.js';
import {
  completeSignature,
  prepareSignature,
  serialHexOf,
  type TrustServices,
} from './signature-builder.js';
import { formPdf } from './test-pdfs.js';
import { validateDocument } from './validation.js';

/**
 * Malformed input of every kind (SPEC §5 reliability): damaged PDFs and CMS either validate to a
 * report or are refused with a DocumentError (→ 400 invalid_document), never anything else.
 */
let pki: TestPki;
let signed: Uint8Array;
let trust: TrustServices;

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
  const prepared = await prepareSignature({
    format: 'PAdES',
    level: 'B-LT',
    document: await formPdf(),
    signerCertificate: new Uint8Array(pki.signer.rawData),
    signingTime: new Date(),
  });
  signed = await completeSignature(prepared, pki.signDigest(prepared.digestToSign), trust);
});

const onlyDocumentErrors = async (run: () => Promise<unknown>) => {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof DocumentError)) throw err;
  }
};

const damage = fc.record({
  cut: fc.option(fc.nat(), { nil: undefined }),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
});

function damaged(bytes: Uint8Array, d: { cut?: number | undefined; flips: [number, number][] }) {
  const out = Buffer.from(
    bytes.subarray(0, d.cut === undefined ? bytes.length : d.cut % bytes.length),
  );
  for (const [at, value] of d.flips) if (out.length > 0) out[at % out.length] = value;
  return new Uint8Array(out);
}

describe('damaged documents', () => {
  it('validation reports or refuses, never throws anything else', async () => {
    const context = {
      trustAnchors: [new Uint8Array(pki.root.rawData)],
      freshOcsp: (c: Uint8Array) => pki.ocspResponseFor(serialHexOf(c)),
      now: new Date(),
    };
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        await onlyDocumentErrors(() => validateDocument(damaged(signed, d), undefined, context));
      }),
      { numRuns: 60 },
    );
  });

  it('preparing a signature prepares or refuses, never throws anything else', async () => {
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        await onlyDocumentErrors(() =>
          prepareSignature({
            format: 'PAdES',
            level: 'B-T',
            document: damaged(signed, d),
            signerCertificate: new Uint8Array(pki.signer.rawData),
            signingTime: new Date(),
          }),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('a damaged CMS is reported or refused', async () => {
    const prepared = await prepareSignature({
      format: 'CAdES',
      level: 'B-T',
      document: new Uint8Array([1, 2, 3]),
      signerCertificate: new Uint8Array(pki.signer.rawData),
      signingTime: new Date(),
    });
    const p7s = await completeSignature(prepared, pki.signDigest(prepared.digestToSign), trust);
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        await onlyDocumentErrors(() =>
          validateDocument(damaged(p7s, d), new Uint8Array([1, 2, 3]), {
            trustAnchors: [new Uint8Array(pki.root.rawData)],
            now: new Date(),
          }),
        );
      }),
      { numRuns: 100 },
    );
  });
});
