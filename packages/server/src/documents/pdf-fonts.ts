import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * Fonts for text the platform draws into PDFs (visible signatures, call-centre declarations).
 * The standard 14 fonts cannot encode Azerbaijani 'ə' or any CJK character, so we embed real
 * fonts through pdf-lib and @pdf-lib/fontkit, subset to the glyphs used: DejaVu Sans (shipped in
 * packages/server/assets/fonts, Bitstream Vera licence) first, then the operator's fallback fonts
 * (PDF_FALLBACK_FONTS, e.g. a CJK font) for characters DejaVu lacks. A character no font has is
 * drawn as '?' (the signature itself never depends on it).
 */
export interface FontSource {
  name: string;
  bytes: Uint8Array;
  /** Unicode code points the font has glyphs for. */
  coverage: ReadonlySet<number>;
}

export interface PdfFonts {
  /** The usable fonts, the shipped one first (loaded once, on first use). */
  sources(): Promise<readonly FontSource[]>;
}

export interface TextRun {
  font: PDFFont;
  text: string;
}

const SHIPPED_FONT = new URL('../../assets/fonts/DejaVuSans.ttf', import.meta.url);

/** fontkit as pdf-lib calls it, taking the first face of a collection (.ttc). */
const fontkitFirstFace = {
  create(bytes: Uint8Array, postscriptName?: string) {
    const font = fontkit.create(bytes, postscriptName) as ReturnType<typeof fontkit.create> & {
      fonts?: ReturnType<typeof fontkit.create>[];
    };
    return font.fonts?.[0] ?? font;
  },
};

async function sourceOf(path: string | URL): Promise<FontSource> {
  const bytes = new Uint8Array(await readFile(path));
  const font = fontkitFirstFace.create(bytes);
  return {
    name: font.postscriptName ?? String(path),
    bytes,
    coverage: new Set(font.characterSet),
  };
}

/**
 * The shipped font plus those fallback files that exist and parse; a broken fallback is skipped
 * (reported through onSkip), the shipped font must load.
 */
export function createPdfFonts(
  fallbackPaths: readonly string[] = [],
  onSkip: (path: string, error: unknown) => void = (path, error) =>
    process.emitWarning(`PDF_FALLBACK_FONTS: ${path} skipped: ${String(error)}`),
): PdfFonts {
  let loaded: Promise<readonly FontSource[]> | undefined;
  return {
    sources() {
      loaded ??= (async () => {
        const fonts = [await sourceOf(SHIPPED_FONT)];
        for (const path of fallbackPaths) {
          try {
            fonts.push(await sourceOf(path));
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onSkip(path, error);
          }
        }
        return fonts;
      })();
      loaded.catch(() => {
        loaded = undefined;
      });
      return loaded;
    },
  };
}

/** Split text into runs of one source font each (index into sources); unknown characters become '?'. */
export function splitRuns(
  text: string,
  sources: readonly FontSource[],
): { source: number; text: string }[] {
  const runs: { source: number; text: string }[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0x3f;
    let source = sources.findIndex((s) => s.coverage.has(cp));
    const shown = source === -1 ? '?' : ch;
    if (source === -1) source = 0;
    const last = runs.at(-1);
    if (last?.source === source) last.text += shown;
    else runs.push({ source, text: shown });
  }
  return runs;
}

const embedded = new WeakMap<PDFDocument, Map<number, Promise<PDFFont>>>();

/** A function that splits text into runs with fonts already embedded in the document. */
export type Typesetter = (text: string) => TextRun[];

/**
 * Embed (subset, once per document) the fonts that `sample` needs and return a synchronous
 * typesetter for any text made of the sample's characters (others fall back to the first font).
 */
export async function typesetter(
  doc: PDFDocument,
  fonts: PdfFonts,
  sample: string,
): Promise<Typesetter> {
  const sources = await fonts.sources();
  let cache = embedded.get(doc);
  if (!cache) {
    doc.registerFontkit(fontkitFirstFace);
    cache = new Map();
    embedded.set(doc, cache);
  }
  const ready = new Map<number, PDFFont>();
  const needed = new Set([0, ...splitRuns(sample, sources).map((run) => run.source)]);
  for (const index of needed) {
    let font = cache.get(index);
    if (!font) {
      font = doc.embedFont((sources[index] as FontSource).bytes, { subset: true });
      cache.set(index, font);
    }
    ready.set(index, await font);
  }
  const first = ready.get(0) as PDFFont;
  return (text) =>
    splitRuns(text, sources).map((run) => {
      const font = ready.get(run.source);
      return font
        ? { font, text: run.text }
        : { font: first, text: '?'.repeat([...run.text].length) };
    });
}

/** The runs of one text, its fonts embedded in the document. */
export async function textRuns(
  doc: PDFDocument,
  fonts: PdfFonts,
  text: string,
): Promise<TextRun[]> {
  return (await typesetter(doc, fonts, text))(text);
}

/** Width of a line of runs at a size, in points. */
export function runsWidth(runs: readonly TextRun[], size: number): number {
  return runs.reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, size), 0);
}

/** The shipped font only: for callers without configuration (tests, the benchmark). */
export const shippedPdfFonts: PdfFonts = createPdfFonts();
