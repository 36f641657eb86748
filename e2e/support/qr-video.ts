import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

/**
 * A Y4M video (YUV4MPEG2, 4:2:0) showing QR codes, for Chromium's fake camera
 * (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>.y4m`, which loops
 * the file). Each code is held for `holdFrames` frames; black modules on white with a quiet zone.
 * The format is a text header, then per frame `FRAME\n`, the luma plane and two chroma planes.
 */
export function writeQrVideo(
  path: string,
  codes: readonly string[],
  options: { width?: number; height?: number; fps?: number; holdFrames?: number } = {},
): void {
  const width = options.width ?? 800;
  const height = options.height ?? 600;
  const fps = options.fps ?? 10;
  const hold = options.holdFrames ?? 6;
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frames: Buffer[] = [
    Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii'),
  ];
  const images =
    codes.length > 0 ? codes.map((c) => luma(c, width, height)) : [blank(width, height)];
  for (const image of images) {
    for (let i = 0; i < hold; i++) frames.push(Buffer.from('FRAME\n', 'ascii'), image, chroma);
  }
  writeFileSync(path, Buffer.concat(frames));
}

function blank(width: number, height: number): Buffer {
  return Buffer.alloc(width * height, 235);
}

function luma(text: string, width: number, height: number): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor(Math.min(width, height) / (size + 2 * quiet));
  if (scale < 2) throw new Error(`a ${size}-module QR does not fit ${width}x${height}`);
  const image = blank(width, height);
  const x0 = Math.floor((width - size * scale) / 2);
  const y0 = Math.floor((height - size * scale) / 2);
  for (let my = 0; my < size; my++) {
    for (let mx = 0; mx < size; mx++) {
      if (!qr.modules.get(my, mx)) continue;
      for (let dy = 0; dy < scale; dy++) {
        image.fill(
          16,
          (y0 + my * scale + dy) * width + x0 + mx * scale,
          (y0 + my * scale + dy) * width + x0 + (mx + 1) * scale,
        );
      }
    }
  }
  return image;
}
