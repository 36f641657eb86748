import jsQR from 'jsqr';
import { useEffect, useRef, useState } from 'react';

export type ScannerState = 'starting' | 'scanning' | 'denied' | 'unavailable';

/**
 * Read QR codes from the camera (rear camera preferred) with jsQR, frame by frame. `onCode` is
 * called for every distinct code seen; the caller decides when it has what it needs (an animated
 * or multi-part QR gives several codes).
 */
export function QrScanner({
  onCode,
  labels,
}: {
  onCode: (text: string) => void;
  labels: { starting: string; denied: string; unavailable: string; video: string };
}) {
  const video = useRef<HTMLVideoElement>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  const [state, setState] = useState<ScannerState>('starting');

  useEffect(() => {
    let stream: MediaStream | null = null;
    let frame = 0;
    let stopped = false;
    let last = '';
    const canvas = document.createElement('canvas');
    const g = canvas.getContext('2d', { willReadFrequently: true });

    const tick = () => {
      if (stopped) return;
      const v = video.current;
      if (v && g && v.readyState >= v.HAVE_CURRENT_DATA && v.videoWidth > 0) {
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        g.drawImage(v, 0, 0);
        const image = g.getImageData(0, 0, canvas.width, canvas.height);
        const code = jsQR(image.data, image.width, image.height, {
          inversionAttempts: 'dontInvert',
        });
        if (code?.data && code.data !== last) {
          last = code.data;
          onCodeRef.current(code.data);
        }
      }
      frame = requestAnimationFrame(tick);
    };

    if (!navigator.mediaDevices?.getUserMedia) {
      setState('unavailable');
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (s) => {
        if (stopped) {
          for (const t of s.getTracks()) t.stop();
          return;
        }
        stream = s;
        const v = video.current;
        if (v) {
          v.srcObject = s;
          await v.play().catch(() => undefined);
        }
        setState('scanning');
        frame = requestAnimationFrame(tick);
      })
      .catch((error: unknown) => {
        const name = error instanceof DOMException ? error.name : '';
        setState(name === 'NotAllowedError' ? 'denied' : 'unavailable');
      });

    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      for (const t of stream?.getTracks() ?? []) t.stop();
    };
  }, []);

  return (
    <div className="scanner" data-state={state}>
      <video ref={video} muted playsInline aria-label={labels.video} data-testid="scanner-video" />
      {state === 'starting' && <p role="status">{labels.starting}</p>}
      {state === 'denied' && <p role="alert">{labels.denied}</p>}
      {state === 'unavailable' && <p role="alert">{labels.unavailable}</p>}
    </div>
  );
}
