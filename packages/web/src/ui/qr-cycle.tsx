import { useEffect, useState } from 'react';
import { QrCode } from './qr.js';

/**
 * Several QR codes shown one after another (a message split into OMID1 frames): a scanner keeps
 * reading until it has every part. One frame is shown still.
 */
export function QrCycle({
  frames,
  label,
  partLabel,
  intervalMs = 900,
  size = 300,
}: {
  frames: readonly string[];
  label: string;
  /** e.g. "Code {part} of {total}", already filled for the current part. */
  partLabel: (part: number, total: number) => string;
  intervalMs?: number;
  size?: number;
}) {
  const [index, setIndex] = useState(0);
  useEffect(() => {
    setIndex(0);
    if (frames.length < 2) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % frames.length), intervalMs);
    return () => clearInterval(timer);
  }, [frames, intervalMs]);
  const text = frames[index] ?? '';
  return (
    <figure className="qr-cycle" data-testid="qr-cycle" data-frames={frames.length}>
      <QrCode text={text} label={label} size={size} />
      {frames.length > 1 ? (
        <figcaption className="muted" aria-live="off">
          {partLabel(index + 1, frames.length)}
        </figcaption>
      ) : null}
      {/* Every frame, for tests and assistive tools that cannot read a moving image. */}
      <ol className="visually-hidden" data-testid="qr-frames">
        {frames.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ol>
    </figure>
  );
}
