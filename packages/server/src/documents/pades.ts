import { createHash } from 'node:crypto';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { findByteRange, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { PDFArray, PDFDict, PDFName, PDFRef, PDFString } from 'pdf-lib';
import { DocumentError, loadPdf, readingPdf } from './pdf-document.js';
import type { PdfFonts } from './pdf-fonts.js';
import { appendIncrementalUpdate, reserveObjectNumbers } from './pdf-incremental.js';
import { type VisibleSignature, visibleAppearance } from './visible-signature.js';

/** Bytes reserved for the CMS in /Contents (hex doubles it): chain + time-stamp fit with room. */
export const CONTENTS_BYTES = 16_384;

export type ByteRange = [number, number, number, number];

export interface PreparePdfOptions {
  signerName: string;
  reason?: string;
  location?: string;
  /** Written as the signature dictionary's M (PAdES carries the claimed time there). */
  signingTime: Date;
  visible?: VisibleSignature;
  /** Fonts for the visible signature (default: the shipped font only). */
  fonts?: PdfFonts;
}

export interface PreparedPdf {
  /** The document with the signature field, dictionary and its final ByteRange; /Contents zeros. */
  pdf: Buffer;
  byteRange: ByteRange;
  /** SHA-256 over the two byte ranges: the message-digest of the signed attributes. */
  digest: Uint8Array;
}

/** SHA-256 over the bytes a ByteRange covers. */
export function byteRangeDigest(pdf: Uint8Array, range: ByteRange): Uint8Array {
  const [a, b, c, d] = range;
  return new Uint8Array(
    createHash('sha256')
      .update(pdf.subarray(a, a + b))
      .update(pdf.subarray(c, c + d))
      .digest(),
  );
}

/** The number of signature fields already in the AcroForm (for a unique field name). */
function signatureFieldCount(fields: PDFArray): number {
  let n = 0;
  for (let i = 0; i < fields.size(); i++) {
    const field = fields.lookup(i);
    if (field instanceof PDFDict && field.lookup(PDFName.of('FT')) === PDFName.of('Sig')) n++;
  }
  return n;
}

/**
 * PAdES step 1: add a signature field and a signature dictionary (SubFilter ETSI.CAdES.detached)
 * to the PDF as an incremental update — the original bytes, and so any earlier signature, stay as
 * they are — fix the ByteRange and return the digest that the signed attributes must carry.
 * The placeholder is @signpdf/placeholder-pdf-lib's; objects are serialised by pdf-lib.
 */
export async function preparePdf(
  input: Uint8Array,
  options: PreparePdfOptions,
): Promise<PreparedPdf> {
  return readingPdf(() => preparePdfUnchecked(input, options));
}

async function preparePdfUnchecked(
  input: Uint8Array,
  options: PreparePdfOptions,
): Promise<PreparedPdf> {
  const doc = await loadPdf(input);
  const context = doc.context;
  reserveObjectNumbers(input, context);
  const largestBefore = context.largestObjectNumber;
  const pageIndex = options.visible?.page ?? 0;
  if (!Number.isInteger(pageIndex) || pageIndex < 0 || pageIndex >= doc.getPageCount()) {
    throw new DocumentError(
      `page ${pageIndex + 1} does not exist (the document has ${doc.getPageCount()})`,
    );
  }
  const page = doc.getPage(pageIndex);
  const rootRef = context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef)) throw new DocumentError('the PDF has no document catalog');

  // The placeholder library expects /Fields inline; resolve an indirect array first so that
  // existing form fields are kept.
  const acroFormEntry = doc.catalog.get(PDFName.of('AcroForm'));
  const acroForm = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (acroForm) {
    const fields = acroForm.get(PDFName.of('Fields'));
    if (fields instanceof PDFRef) {
      const resolved = acroForm.lookupMaybe(PDFName.of('Fields'), PDFArray);
      acroForm.set(PDFName.of('Fields'), resolved ?? context.obj([]));
    }
  }
  const existingSignatures = acroForm
    ? signatureFieldCount(acroForm.lookupMaybe(PDFName.of('Fields'), PDFArray) ?? context.obj([]))
    : 0;

  const rect = options.visible?.rect;
  pdflibAddPlaceholder({
    pdfDoc: doc,
    pdfPage: page,
    reason: options.reason ?? '',
    contactInfo: '',
    name: options.signerName,
    location: options.location ?? '',
    signingTime: options.signingTime,
    signatureLength: CONTENTS_BYTES,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    widgetRect: rect ? [rect.x, rect.y, rect.x + rect.width, rect.y + rect.height] : [0, 0, 0, 0],
    appName: 'OpenMID',
  });

  const form = doc.catalog.lookup(PDFName.of('AcroForm'), PDFDict);
  const fields = form.lookup(PDFName.of('Fields'), PDFArray);
  const widgetRef = fields.get(fields.size() - 1);
  const widget = fields.lookup(fields.size() - 1, PDFDict);
  widget.set(PDFName.of('T'), PDFString.of(`Signature${existingSignatures + 1}`));
  if (options.visible) {
    const appearance = await visibleAppearance(
      doc,
      options.visible,
      {
        name: options.signerName,
        time: options.signingTime,
        reason: options.reason,
      },
      options.fonts,
    );
    widget.set(PDFName.of('AP'), context.obj({ N: appearance }));
  }

  const changed: PDFRef[] = [rootRef, page.ref];
  if (widgetRef instanceof PDFRef) changed.push(widgetRef);
  if (acroFormEntry instanceof PDFRef) changed.push(acroFormEntry);
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (ref.objectNumber > largestBefore) changed.push(ref);
  }
  let pdf = appendIncrementalUpdate(input, context, changed);

  // Fix the ByteRange around /Contents, as @signpdf/signpdf does, keeping every offset.
  const { byteRangePlaceholder, byteRangePlaceholderPosition } = findByteRange(pdf);
  if (!byteRangePlaceholder || byteRangePlaceholderPosition === undefined) {
    throw new Error('the signature placeholder was not written');
  }
  const byteRangeEnd = byteRangePlaceholderPosition + byteRangePlaceholder.length;
  const contentsTag = pdf.indexOf('/Contents ', byteRangeEnd);
  const contentsStart = pdf.indexOf('<', contentsTag);
  const contentsEnd = pdf.indexOf('>', contentsStart) + 1;
  const byteRange: ByteRange = [0, contentsStart, contentsEnd, pdf.length - contentsEnd];
  const actual = `/ByteRange [${byteRange.join(' ')}]`.padEnd(byteRangePlaceholder.length, ' ');
  pdf = Buffer.concat([
    pdf.subarray(0, byteRangePlaceholderPosition),
    Buffer.from(actual, 'latin1'),
    pdf.subarray(byteRangeEnd),
  ]);
  return { pdf, byteRange, digest: byteRangeDigest(pdf, byteRange) };
}

/** PAdES step 2: write the CMS SignedData into /Contents of a prepared PDF. */
export function embedCms(prepared: Uint8Array, byteRange: ByteRange, cms: Uint8Array): Buffer {
  const [, contentsStart, contentsEnd] = byteRange;
  const room = contentsEnd - contentsStart - 2;
  const hex = Buffer.from(cms).toString('hex');
  if (hex.length > room) {
    throw new Error(`the signature (${cms.length} bytes) does not fit in /Contents (${room / 2})`);
  }
  const out = Buffer.from(prepared);
  out.write(hex.padEnd(room, '0'), contentsStart + 1, 'latin1');
  return out;
}

export interface ValidationData {
  /** Certificates (DER): the signer's, its CAs, the time-stamping unit's. */
  certificates: Uint8Array[];
  /** OCSP responses (DER) for the certificates. */
  ocspResponses: Uint8Array[];
}

/**
 * PAdES B-LT (ETSI EN 319 142-1 §5.4): a Document Security Store with the certificates and OCSP
 * responses a validator needs, added in a further incremental update (the signature stays valid).
 * An existing DSS (from an earlier signer) is kept and extended.
 */
export async function addDss(signed: Uint8Array, data: ValidationData): Promise<Buffer> {
  const doc = await loadPdf(signed);
  const context = doc.context;
  reserveObjectNumbers(signed, context);
  const largestBefore = context.largestObjectNumber;
  const rootRef = context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef)) throw new DocumentError('the PDF has no document catalog');
  const existing = doc.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict);
  const listOf = (key: string): PDFArray => {
    const list = context.obj([]);
    const old = existing?.lookupMaybe(PDFName.of(key), PDFArray);
    if (old) for (let i = 0; i < old.size(); i++) list.push(old.get(i));
    return list;
  };
  const certs = listOf('Certs');
  const ocsps = listOf('OCSPs');
  for (const der of data.certificates) certs.push(context.register(context.flateStream(der)));
  for (const der of data.ocspResponses) ocsps.push(context.register(context.flateStream(der)));
  const dss = context.obj({});
  if (existing) {
    const crls = existing.get(PDFName.of('CRLs'));
    if (crls) dss.set(PDFName.of('CRLs'), crls);
    const vri = existing.get(PDFName.of('VRI'));
    if (vri) dss.set(PDFName.of('VRI'), vri);
  }
  dss.set(PDFName.of('Certs'), certs);
  dss.set(PDFName.of('OCSPs'), ocsps);
  doc.catalog.set(PDFName.of('DSS'), context.register(dss));
  const changed: PDFRef[] = [rootRef];
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (ref.objectNumber > largestBefore) changed.push(ref);
  }
  return appendIncrementalUpdate(signed, context, changed);
}
