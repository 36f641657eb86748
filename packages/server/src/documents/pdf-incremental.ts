import {
  type PDFContext,
  PDFCrossRefSection,
  type PDFObject,
  type PDFRef,
  PDFTrailer,
  PDFTrailerDict,
} from 'pdf-lib';
import { DocumentError } from './pdf-document.js';

/** Serialise one pdf-lib object to bytes (pdf-lib's own writer for the object). */
function bytesOf(object: PDFObject): Uint8Array {
  const out = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(out, 0);
  return out;
}

/** The offset after the last `startxref` of a PDF (where its last cross-reference section is). */
export function lastStartXref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 2048))).toString('latin1');
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!match?.[1]) throw new DocumentError('the PDF has no startxref at its end');
  return Number(match[1]);
}

/**
 * Make new objects numbered above every object of the file. pdf-lib drops object streams and
 * cross-reference streams from its context after parsing them, so its own counter can be lower
 * than numbers in use; the last section's /Size (ISO 32000-1 §7.5.5, §7.5.8.2) is the bound.
 */
export function reserveObjectNumbers(pdf: Uint8Array, context: PDFContext): void {
  const last = Buffer.from(pdf.subarray(lastStartXref(pdf))).toString('latin1');
  const size = /\/Size\s+(\d+)/.exec(last)?.[1];
  const bound = size === undefined ? 0 : Math.min(Number(size), 8_388_608) - 1;
  if (bound > context.largestObjectNumber) context.largestObjectNumber = bound;
}

/**
 * Append an incremental update (ISO 32000-1 §7.5.6) to `original`: the given objects of the
 * pdf-lib context, a cross-reference section for exactly them and a trailer whose Prev points at
 * the previous section. The original bytes stay untouched, so earlier signatures stay valid.
 * Serialisation of the objects, the section and the trailer is pdf-lib's.
 */
export function appendIncrementalUpdate(
  original: Uint8Array,
  context: PDFContext,
  refs: readonly PDFRef[],
): Buffer {
  const prev = lastStartXref(original);
  const parts: Uint8Array[] = [original];
  let offset = original.length;
  const push = (bytes: Uint8Array) => {
    parts.push(bytes);
    offset += bytes.length;
  };
  const text = (s: string) => push(Buffer.from(s, 'latin1'));
  if (original[original.length - 1] !== 0x0a) text('\n');

  const xref = PDFCrossRefSection.createEmpty();
  const sorted = [...new Set(refs)].sort((a, b) => a.objectNumber - b.objectNumber);
  for (const ref of sorted) {
    const object = context.lookup(ref);
    if (object === undefined) throw new Error(`object ${ref.toString()} is not in the document`);
    xref.addEntry(ref, offset);
    text(`${ref.objectNumber} ${ref.generationNumber} obj\n`);
    push(bytesOf(object));
    text('\nendobj\n');
  }
  const xrefOffset = offset;
  push(bytesOf(xref as unknown as PDFObject));
  text('\n');
  const info = context.trailerInfo;
  const trailerDict = context.obj({
    Size: context.largestObjectNumber + 1,
    Root: info.Root,
    Info: info.Info,
    ID: info.ID,
    Prev: prev,
  });
  push(bytesOf(PDFTrailerDict.of(trailerDict) as unknown as PDFObject));
  text('\n');
  push(bytesOf(PDFTrailer.forLastCrossRefSectionOffset(xrefOffset) as unknown as PDFObject));
  return Buffer.concat(parts);
}
