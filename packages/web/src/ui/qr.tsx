import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** The QR of `text` as an SVG data URL (rendered by `qrcode`, shown as an image). */
export async function qrDataUrl(text: string, margin = 2): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function QrCode({
  text,
  label,
  size = 256,
}: {
  text: string;
  label: string;
  size?: number;
}) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    qrDataUrl(text).then(
      (url) => {
        if (live) setSrc(url);
      },
      () => {
        if (live) setSrc(null);
      },
    );
    return () => {
      live = false;
    };
  }, [text]);
  if (!src) return <div className="qr-placeholder" style={{ width: size, height: size }} />;
  return (
    <img
      className="qr"
      src={src}
      alt={label}
      width={size}
      height={size}
      data-testid="qr"
      data-qr-text={text}
    />
  );
}
