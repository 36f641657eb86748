import { EncryptedPDFError, PDFDocument } from 'pdf-lib';

/** A document the platform refuses to work on; the adapter turns it into a 4xx invalid_document. */
export class DocumentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DocumentError';
  }
}

const PDF_HEADER = Buffer.from('%PDF-', 'latin1');

/** Load a PDF with pdf-lib, refusing encrypted and unparsable files with a DocumentError. */
export async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  const head = Buffer.from(bytes.subarray(0, 1024));
  if (head.indexOf(PDF_HEADER) === -1) throw new DocumentError('not a PDF (no %PDF- header)');
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false });
  } catch (err) {
    if (err instanceof EncryptedPDFError) {
      throw new DocumentError('the PDF is encrypted; send it without encryption', { cause: err });
    }
    throw new DocumentError(`the PDF cannot be parsed: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (doc.getPageCount() === 0) throw new Error('it has no pages');
  } catch (err) {
    throw new DocumentError(`the PDF cannot be parsed: ${(err as Error).message}`, { cause: err });
  }
  return doc;
}

/** Run a step that reads an untrusted PDF's structure: any failure of it is the document's fault. */
export async function readingPdf<T>(step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    throw new DocumentError(`the PDF structure is damaged: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
