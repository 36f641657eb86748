import { PDFDocument, type PDFPage, rgb } from 'pdf-lib';
import {
  type PdfFonts,
  runsWidth,
  type TextRun,
  type Typesetter,
  typesetter,
} from './pdf-fonts.js';
import type { VisibleSignature } from './visible-signature.js';

/**
 * Render a plain-text declaration (F19) into an A4 PDF with pdf-lib, so that what the citizen
 * confirms is stored as a signed PDF: a title, the text wrapped to the page (words, and CJK
 * characters, kept whole where they fit), and a footer line on every page. Fonts embedded and
 * subset (pdf-fonts.ts), so text in any script renders and can be extracted again. Room for a
 * visible signature is left below the text.
 */
export interface TextPdfContent {
  title: string;
  text: string;
  /** A small line at the bottom of every page (e.g. the reference and date). */
  footer?: string;
}

const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const TITLE_SIZE = 16;
const BODY_SIZE = 11;
const FOOTER_SIZE = 8;
const LEADING = 1.45;
const SIGNATURE_BOX = { width: 300, height: 56 };

const words = new Intl.Segmenter(undefined, { granularity: 'word' });
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Greedy line breaking: segments (words, spaces, single CJK characters) while they fit. */
export function wrapLines(paragraph: string, fits: (line: string) => boolean): string[] {
  const lines: string[] = [];
  let line = '';
  const push = () => {
    lines.push(line.trimEnd());
    line = '';
  };
  for (const { segment } of words.segment(paragraph)) {
    if (fits(line + segment)) {
      line += segment;
      continue;
    }
    if (line.trim() !== '') push();
    const start = segment.trimStart();
    if (fits(start)) {
      line = start;
      continue;
    }
    // A word wider than the line: break it between characters.
    for (const { segment: ch } of graphemes.segment(start)) {
      if (!fits(line + ch) && line !== '') push();
      line += ch;
    }
  }
  if (line.trim() !== '' || lines.length === 0) push();
  return lines;
}

function drawRuns(page: PDFPage, runs: readonly TextRun[], x: number, y: number, size: number) {
  let at = x;
  for (const run of runs) {
    page.drawText(run.text, { x: at, y, size, font: run.font, color: rgb(0, 0, 0) });
    at += run.font.widthOfTextAtSize(run.text, size);
  }
}

export interface TextPdf {
  pdf: Uint8Array;
  /** Where the signature may be drawn: below the text on the last page. */
  signatureBox: VisibleSignature;
}

export async function renderTextPdf(
  content: TextPdfContent,
  fonts: PdfFonts,
  info: { creator: string; date: Date },
): Promise<TextPdf> {
  const doc = await PDFDocument.create();
  doc.setTitle(content.title);
  doc.setCreator(info.creator);
  doc.setProducer('OpenMID');
  doc.setCreationDate(info.date);
  doc.setModificationDate(info.date);
  const set: Typesetter = await typesetter(
    doc,
    fonts,
    `${content.title}${content.text}${content.footer ?? ''}`,
  );
  const width = PAGE[0] - 2 * MARGIN;
  const fits = (size: number) => (line: string) => runsWidth(set(line), size) <= width;

  let page = doc.addPage(PAGE);
  let y = PAGE[1] - MARGIN;
  const newPage = () => {
    page = doc.addPage(PAGE);
    y = PAGE[1] - MARGIN;
  };
  const write = (lines: string[], size: number) => {
    for (const line of lines) {
      if (y - size < MARGIN + FOOTER_SIZE * 3) newPage();
      y -= size;
      drawRuns(page, set(line), MARGIN, y, size);
      y -= size * (LEADING - 1);
    }
  };
  write(wrapLines(content.title, fits(TITLE_SIZE)), TITLE_SIZE);
  y -= BODY_SIZE;
  for (const paragraph of content.text.replace(/\r\n?/g, '\n').split('\n')) {
    write(wrapLines(paragraph, fits(BODY_SIZE)), BODY_SIZE);
  }
  y -= BODY_SIZE * 2;
  if (y - SIGNATURE_BOX.height < MARGIN + FOOTER_SIZE * 3) newPage();
  const signatureBox: VisibleSignature = {
    page: doc.getPageCount() - 1,
    rect: { x: MARGIN, y: y - SIGNATURE_BOX.height, ...SIGNATURE_BOX },
  };
  const pages = doc.getPages();
  for (const [i, p] of pages.entries()) {
    const footer = `${content.footer ?? ''}${content.footer ? ' · ' : ''}${i + 1}/${pages.length}`;
    drawRuns(p, set(footer), MARGIN, MARGIN, FOOTER_SIZE);
  }
  return { pdf: await doc.save({ useObjectStreams: false }), signatureBox };
}
