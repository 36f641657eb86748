import { describe, expect, it } from 'vitest';
import { IdCardError } from './id-card-error.js';
import { isQrFrame, QrFrameAssembler, splitIntoQrFrames } from './qr-frames.js';

describe('OMID1 QR framing', () => {
  const message = `${'header.payload.signature~'}${'x'.repeat(2500)}~kb`;

  it('splits a large message into numbered frames of one message id', () => {
    const frames = splitIntoQrFrames(message, { chunk: 1000, id: 'ab12' });
    expect(frames).toHaveLength(3);
    expect(frames[0]?.startsWith('OMID1:1/3:ab12:')).toBe(true);
    expect(frames[2]?.startsWith('OMID1:3/3:ab12:')).toBe(true);
    expect(frames.every(isQrFrame)).toBe(true);
  });

  it('frames a small message too (1/1)', () => {
    expect(splitIntoQrFrames('hello', { id: 'zz99' })).toEqual(['OMID1:1/1:zz99:hello']);
  });

  it('reassembles frames scanned in any order, with repeats', () => {
    const frames = splitIntoQrFrames(message, { chunk: 700 });
    const assembler = new QrFrameAssembler();
    const order = [3, 0, 3, 1, 0, 2];
    const results = order.map((i) => assembler.add(frames[i] as string));
    expect(results.slice(0, -1).every((r) => !r.complete)).toBe(true);
    expect(results[2]).toEqual({ complete: false, received: 2, total: 4 });
    expect(results.at(-1)).toEqual({ complete: true, message });
  });

  it('starts over when frames of another message arrive', () => {
    const a = splitIntoQrFrames('a'.repeat(1400), { chunk: 700, id: 'aaaa' });
    const b = splitIntoQrFrames('b'.repeat(1400), { chunk: 700, id: 'bbbb' });
    const assembler = new QrFrameAssembler();
    assembler.add(a[0] as string);
    expect(assembler.add(b[1] as string)).toEqual({ complete: false, received: 1, total: 2 });
    expect(assembler.add(b[0] as string)).toEqual({ complete: true, message: 'b'.repeat(1400) });
  });

  it('refuses malformed frames', () => {
    const assembler = new QrFrameAssembler();
    for (const bad of ['hello', 'OMID1:0/2:abcd:x', 'OMID1:3/2:abcd:x', 'OMID2:1/1:abcd:x']) {
      expect(() => assembler.add(bad)).toThrow(IdCardError);
    }
  });

  it('refuses a message that needs too many frames', () => {
    expect(() => splitIntoQrFrames('x'.repeat(100), { chunk: 1 })).toThrow(IdCardError);
  });
});
