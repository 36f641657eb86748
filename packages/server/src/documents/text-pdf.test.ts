import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PDF_FALLBACK_FONTS } from '../config.js';
import { preparePdf } from './pades.js';
import { createPdfFonts, splitRuns } from './pdf-fonts.js';
import { simplePdf } from './test-pdfs.js';
import { renderTextPdf, wrapLines } from './text-pdf.js';

/** poppler's pdftotext is the oracle: what it extracts is what the PDF shows. */
function pdftotext(pdf: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'openmid-text-')), 'doc.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

const fonts = createPdfFonts(DEFAULT_PDF_FALLBACK_FONTS);
const compact = (s: string) => s.replace(/\s+/g, '');

describe('text drawn into PDFs (embedded fonts)', () => {
  it('renders a declaration in Azerbaijani and Traditional Chinese that pdftotext reads back', async () => {
    const text = `Mən, Leyla Məmmədova, gəlirlərimi bəyan edirəm.\n本人聲明以上資料屬實。 ${'uzun söz '.repeat(800)}`;
    const { pdf, signatureBox } = await renderTextPdf(
      { title: 'Bəyannamə — 申報表', text, footer: 'Ref 42' },
      fonts,
      { creator: 'test', date: new Date('2026-11-28T09:00:00Z') },
    );
    const extracted = pdftotext(pdf);
    expect(extracted).toContain('Bəyannamə');
    expect(extracted).toContain('Leyla Məmmədova');
    expect(compact(extracted)).toContain('本人聲明以上資料屬實。');
    expect(extracted).toContain('Ref 42');
    expect(extracted).not.toContain('?');
    expect(signatureBox.page).toBeGreaterThanOrEqual(1);
    expect(signatureBox.rect.y).toBeGreaterThan(56);
  });

  it('draws the signer name of a visible signature with its real glyphs', async () => {
    const prepared = await preparePdf(await simplePdf(), {
      signerName: 'Leyla Məmmədova 陳大文',
      signingTime: new Date('2026-11-28T09:00:00Z'),
      reason: 'Bəyan edirəm',
      visible: { page: 0, rect: { x: 40, y: 40, width: 260, height: 60 } },
      fonts,
    });
    const extracted = pdftotext(prepared.pdf);
    expect(extracted).toContain('Signed by Leyla Məmmədova');
    expect(compact(extracted)).toContain('陳大文');
    expect(extracted).toContain('Reason Bəyan edirəm');
  });

  it('falls back to ? only for characters no font has', async () => {
    const sources = await createPdfFonts([]).sources();
    expect(splitRuns('ə中', sources)).toEqual([{ source: 0, text: 'ə?' }]);
  });

  it('wraps words, and breaks a word longer than the line', () => {
    const fits = (line: string) => line.length <= 10;
    expect(wrapLines('one two three four', fits)).toEqual(['one two', 'three four']);
    expect(wrapLines('abcdefghijklmnop', fits)).toEqual(['abcdefghij', 'klmnop']);
    expect(wrapLines('', fits)).toEqual(['']);
  });
});
