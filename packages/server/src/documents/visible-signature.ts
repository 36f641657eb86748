import {
  beginText,
  endText,
  moveText,
  type PDFDocument,
  type PDFRef,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  StandardFonts,
  setFontAndSize,
  setLineWidth,
  showText,
  stroke,
} from 'pdf-lib';

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
 * the signing time and the reason, drawn with pdf-lib's operators in Helvetica. Characters that
 * the standard font cannot encode are shown as '?'; the signature itself is unaffected.
 */
export async function visibleAppearance(
  doc: PDFDocument,
  visible: VisibleSignature,
  text: AppearanceText,
): Promise<PDFRef> {
  const font = await doc.embedFont(StandardFonts.Helvetica);
  await font.embed();
  const supported = new Set(font.getCharacterSet());
  const encodable = (s: string) =>
    [...s].map((ch) => (supported.has(ch.codePointAt(0) ?? 0) ? ch : '?')).join('');
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
  const operators = [
    pushGraphicsState(),
    setLineWidth(1),
    rectangle(0.5, 0.5, width - 1, height - 1),
    stroke(),
    beginText(),
    setFontAndSize('F1', size),
    moveText(4, height - 4 - size),
  ];
  for (const [i, line] of lines.entries()) {
    if (i > 0) operators.push(moveText(0, -size * 1.3));
    operators.push(showText(font.encodeText(encodable(line))));
  }
  operators.push(endText(), popGraphicsState());
  const stream = doc.context.formXObject(operators, {
    BBox: [0, 0, width, height],
    Resources: { Font: { F1: font.ref } },
  });
  return doc.context.register(stream);
}
