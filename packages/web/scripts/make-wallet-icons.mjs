// Draws the wallet's PNG icons (the SVG icon's shapes: a blue rounded square with a white card
// and a check mark) and writes them to src/apps/public/wallet/icons/. Run after changing the
// design: node scripts/make-wallet-icons.mjs. PNG is written with node:zlib (no image library).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const OUT = new URL('../src/apps/public/wallet/icons/', import.meta.url);
const BLUE = [11, 92, 173];
const WHITE = [255, 255, 255];
const GREEN = [15, 122, 61];

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Colour of a point in the unit square (x, y in 0..1); null is transparent. */
function paint(x, y, maskable) {
  const inset = maskable ? 0 : 0.04;
  const r = maskable ? 0 : 0.2;
  const inRounded = (px, py, x0, y0, x1, y1, rad) => {
    if (px < x0 || px > x1 || py < y0 || py > y1) return false;
    const cx = Math.min(Math.max(px, x0 + rad), x1 - rad);
    const cy = Math.min(Math.max(py, y0 + rad), y1 - rad);
    return (px - cx) ** 2 + (py - cy) ** 2 <= rad * rad;
  };
  if (!inRounded(x, y, inset, inset, 1 - inset, 1 - inset, r)) return null;
  // The card (kept inside the maskable safe zone: a circle of radius 0.4).
  const s = 0.62;
  if (inRounded(x, y, 0.5 - s / 2, 0.32, 0.5 + s / 2, 0.7, 0.05)) {
    // A check mark on the card: two thick strokes.
    const d1 = Math.abs(y - 0.51 - (x - 0.38)) / Math.SQRT2;
    const d2 = Math.abs(y - 0.61 + (x - 0.48)) / Math.SQRT2;
    if ((d1 < 0.03 && x > 0.36 && x < 0.48) || (d2 < 0.03 && x > 0.46 && x < 0.66)) return GREEN;
    return WHITE;
  }
  return BLUE;
}

function png(size, maskable) {
  const rows = [];
  const n = 4; // 4x4 supersampling for smooth edges
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      let rr = 0,
        gg = 0,
        bb = 0,
        aa = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = paint((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, maskable);
          if (c) {
            rr += c[0];
            gg += c[1];
            bb += c[2];
            aa += 1;
          }
        }
      }
      const o = 1 + px * 4;
      if (aa > 0) {
        row[o] = Math.round(rr / aa);
        row[o + 1] = Math.round(gg / aa);
        row[o + 2] = Math.round(bb / aa);
      }
      row[o + 3] = Math.round((aa / (n * n)) * 255);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['maskable-512.png', 512, true],
  ['apple-touch-icon.png', 180, true],
]) {
  writeFileSync(new URL(name, OUT), png(size, maskable));
}
