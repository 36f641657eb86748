import { PDFDocument, StandardFonts } from 'pdf-lib';

/**
 * The e-Tax portal's income declaration as a PDF, made with pdf-lib as an integrator would. The
 * standard Helvetica font encodes WinAnsi only, so names are written with their letters' base
 * forms ('Məmmədova' → 'Memmedova'); the platform's visible signature shows the name from the
 * certificate in full.
 */
export interface DeclarationData {
  name: string;
  identifier: string;
  income: number;
  date: Date;
}

export const TAX_RATE = 0.14;

export async function declarationPdf(data: DeclarationData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Income declaration 2026');
  doc.setCreator('OpenMID demo e-Tax portal');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const supported = new Set(font.getCharacterSet());
  const winAnsi = (s: string) =>
    [...s]
      .map((ch) => {
        if (supported.has(ch.codePointAt(0) ?? 0)) return ch;
        const base = ch
          .normalize('NFD')
          .replace(/\p{M}/gu, '')
          .replace(/[əƏ]/g, (c) => (c === 'ə' ? 'e' : 'E'))
          .replace(/ı/g, 'i');
        return [...base].every((c) => supported.has(c.codePointAt(0) ?? 0)) ? base : '?';
      })
      .join('');
  const page = doc.addPage([595.28, 841.89]);
  let y = 770;
  const line = (text: string, size = 11, f = font) => {
    page.drawText(winAnsi(text), { x: 56, y, size, font: f });
    y -= size * 1.8;
  };
  line('e-Tax portal (OpenMID demo)', 10);
  line('Income declaration 2026', 18, bold);
  y -= 10;
  line(`Taxpayer: ${data.name}`);
  line(`Identifier: ${data.identifier}`);
  line(`Declared income: ${data.income.toLocaleString('en-US')} AZN`);
  line(
    `Tax due (${TAX_RATE * 100} %): ${Math.round(data.income * TAX_RATE).toLocaleString('en-US')} AZN`,
  );
  line(`Prepared: ${data.date.toISOString().slice(0, 10)}`);
  y -= 10;
  line('I declare that the information above is true and complete.');
  return doc.save({ useObjectStreams: false });
}
