import { IdCardError } from './id-card-error.js';

/**
 * A message too large for one QR code (a presentation with a photo, a verifier request with its
 * certificate) is shown as several codes, cycled on screen. Each frame reads
 *
 *   OMID1:<part>/<total>:<message id>:<chunk>
 *
 * with part counted from 1, total ≤ 99 and a message id of 4–12 base36 characters, so frames of
 * two different messages never mix. A message that fits is still framed (OMID1:1/1:…). The
 * reassembled message is then verified cryptographically; the framing only puts it back together.
 */
export const QR_FRAME_PREFIX = 'OMID1:';
/** Characters of payload per frame: small enough for a phone camera to read off a screen. */
export const QR_FRAME_CHUNK = 700;
export const QR_FRAME_MAX_PARTS = 99;

const FRAME = /^OMID1:(\d{1,2})\/(\d{1,2}):([0-9a-z]{4,12}):([\s\S]*)$/;

export function splitIntoQrFrames(
  message: string,
  options: { chunk?: number; id?: string } = {},
): string[] {
  const chunk = options.chunk ?? QR_FRAME_CHUNK;
  const id =
    options.id ??
    Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => (b % 36).toString(36)).join('');
  if (!/^[0-9a-z]{4,12}$/.test(id)) throw new TypeError('the message id must be 4-12 base36');
  const total = Math.max(1, Math.ceil(message.length / chunk));
  if (total > QR_FRAME_MAX_PARTS) {
    throw new IdCardError('invalid_frame', `the message needs ${total} QR codes, over the limit`);
  }
  return Array.from(
    { length: total },
    (_, i) =>
      `${QR_FRAME_PREFIX}${i + 1}/${total}:${id}:${message.slice(i * chunk, (i + 1) * chunk)}`,
  );
}

export function isQrFrame(text: string): boolean {
  return FRAME.test(text);
}

export type AssemblyProgress =
  | { complete: true; message: string }
  | { complete: false; received: number; total: number };

/**
 * Collects scanned frames in any order, repeats ignored. A frame of another message starts over
 * (the screen moved on to a new message); a malformed frame throws IdCardError invalid_frame.
 */
export class QrFrameAssembler {
  #id: string | undefined;
  #total = 0;
  #parts = new Map<number, string>();

  add(text: string): AssemblyProgress {
    const match = FRAME.exec(text);
    if (!match) throw new IdCardError('invalid_frame', 'not an OMID1 QR frame');
    const part = Number(match[1]);
    const total = Number(match[2]);
    const id = match[3] as string;
    if (total < 1 || part < 1 || part > total) {
      throw new IdCardError('invalid_frame', 'the frame number is out of range');
    }
    if (id !== this.#id || total !== this.#total) {
      this.#id = id;
      this.#total = total;
      this.#parts = new Map();
    }
    this.#parts.set(part, match[4] as string);
    if (this.#parts.size < total) {
      return { complete: false, received: this.#parts.size, total };
    }
    const message = Array.from({ length: total }, (_, i) => this.#parts.get(i + 1)).join('');
    this.reset();
    return { complete: true, message };
  }

  reset(): void {
    this.#id = undefined;
    this.#total = 0;
    this.#parts = new Map();
  }
}
