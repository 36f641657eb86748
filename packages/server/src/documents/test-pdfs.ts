import { PDFDocument, StandardFonts } from 'pdf-lib';

/** PDFs of several shapes for tests and the benchmark, made with pdf-lib. */
export async function simplePdf(
  text = 'Declaration of income 2026',
  options: { objectStreams?: boolean; pages?: number; padding?: number } = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (options.pages ?? 1); i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`${text} — page ${i + 1}`, { x: 50, y: 780, size: 14, font });
  }
  if (options.padding) {
    // Bulk (an attachment) to reach a size, as scanned annexes make real documents large.
    const bytes = new Uint8Array(options.padding);
    let x = 0x2545f491;
    for (let i = 0; i < bytes.length; i++) {
      // xorshift32: incompressible, yet the same file every run.
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    await doc.attach(bytes, 'annex.bin', { mimeType: 'application/octet-stream' });
  }
  return doc.save({ useObjectStreams: options.objectStreams ?? true });
}

/** A PDF with an AcroForm (a filled text field and a check box). */
export async function formPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const form = doc.getForm();
  const name = form.createTextField('applicant.name');
  name.setText('Aysel Mammadova');
  name.addToPage(page, { x: 50, y: 700, width: 200, height: 20 });
  const agree = form.createCheckBox('applicant.agree');
  agree.check();
  agree.addToPage(page, { x: 50, y: 650, width: 15, height: 15 });
  return doc.save();
}
