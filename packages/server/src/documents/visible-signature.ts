import {
  beginText,
  endText,
  moveText,
  type PDFDocument,
  type PDFFont,
  type PDFRef,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFontAndSize,
  setLineWidth,
  showText,
  stroke,
} from 'pdf-lib';
import { type PdfFonts, shippedPdfFonts, textRuns } from './pdf-fonts.js';

/** Where a visible signature goes: a 0-based page index and a rectangle in PDF points. */
export interface VisibleSignature {
  page: number;
  rect: { x: number; y: number; width: number; height: number };
}

export interface AppearanceText {
  name: string;
  time: Date;
  reason?: string | undefined;
}

/**
 * The normal appearance (a form XObject) of a visible signature: a frame with the signer's name,
 * the signing time and the reason, drawn with pdf-lib's operators in embedded fonts (pdf-fonts.ts)
 * so that names in any script render ('Məmmədova', '陳大文').
 */
export async function visibleAppearance(
  doc: PDFDocument,
  visible: VisibleSignature,
  text: AppearanceText,
  fonts: PdfFonts = shippedPdfFonts,
): Promise<PDFRef> {
  const { width, height } = visible.rect;
  const lines = [
    `Signed by ${text.name}`,
    `Time ${text.time
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC')}`,
    ...(text.reason ? [`Reason ${text.reason}`] : []),
  ];
  const size = Math.max(4, Math.min(10, (height - 8) / (lines.length * 1.3)));
  const laidOut = await Promise.all(lines.map((line) => textRuns(doc, fonts, line)));
  // Resource names per embedded font; each text run selects its font, then shows its glyphs.
  const names = new Map<PDFFont, string>();
  const operators = [
    pushGraphicsState(),
    setLineWidth(1),
    rectangle(0.5, 0.5, width - 1, height - 1),
    stroke(),
    beginText(),
    moveText(4, height - 4 - size),
  ];
  for (const [i, runs] of laidOut.entries()) {
    if (i > 0) operators.push(moveText(0, -size * 1.3));
    for (const run of runs) {
      let name = names.get(run.font);
      if (!name) {
        name = `F${names.size + 1}`;
        names.set(run.font, name);
      }
      operators.push(setFontAndSize(name, size), showText(run.font.encodeText(run.text)));
    }
  }
  operators.push(endText(), popGraphicsState());
  // Subset fonts are written once every glyph they show is known.
  for (const font of names.keys()) await font.embed();
  const stream = doc.context.formXObject(operators, {
    BBox: [0, 0, width, height],
    Resources: { Font: Object.fromEntries([...names].map(([font, name]) => [name, font.ref])) },
  });
  return doc.context.register(stream);
}
