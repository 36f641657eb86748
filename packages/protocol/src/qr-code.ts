/**
 * The dynamic QR code of the QR / device-link flow (F11). The RP receives `qrStartToken` and
 * `qrStartSecret` when it starts a session and shows, every second, the payload
 *
 *   mid://qr?t=<qrStartToken>&c=<elapsed seconds since the start>&h=<auth code>
 *
 * where the auth code is the first 16 bytes, in lower-case hex, of
 * HMAC-SHA256(key = base64url-decoded qrStartSecret, message = 'mid-qr.' + elapsed seconds).
 * The server accepts only the code of the current second (±1), so a photograph of an earlier
 * code is refused; the secret never leaves the RP's server and the platform.
 */
export const QR_SCHEME_PREFIX = 'mid://qr?';
export const QR_AUTH_CODE_BYTES = 16;

export interface QrPayload {
  token: string;
  elapsedSeconds: number;
  authCode: string;
}

function base64UrlDecode(value: string): Uint8Array {
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The auth code for one second of a QR session (lower-case hex, 32 characters). */
export async function qrAuthCode(qrStartSecret: string, elapsedSeconds: number): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    base64UrlDecode(qrStartSecret) as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`mid-qr.${elapsedSeconds}`)),
  );
  return Array.from(mac.subarray(0, QR_AUTH_CODE_BYTES), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/** The payload to show `elapsedSeconds` after the session started. */
export async function qrPayload(
  qrStartToken: string,
  qrStartSecret: string,
  elapsedSeconds: number,
): Promise<string> {
  const s = Math.max(0, Math.floor(elapsedSeconds));
  return `${QR_SCHEME_PREFIX}t=${encodeURIComponent(qrStartToken)}&c=${s}&h=${await qrAuthCode(qrStartSecret, s)}`;
}

/** Parse a scanned payload (or a device link carrying the same parameters); undefined if malformed. */
export function parseQrPayload(value: string): QrPayload | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const q = value.indexOf('?');
  if (q < 0) return undefined;
  const params = new URLSearchParams(value.slice(q + 1));
  const token = params.get('t');
  const c = params.get('c');
  const h = params.get('h');
  if (!token || !/^[A-Za-z0-9_-]{16,64}$/.test(token)) return undefined;
  if (!c || !/^[0-9]{1,6}$/.test(c)) return undefined;
  if (!h || !/^[0-9a-f]{32}$/.test(h)) return undefined;
  return { token, elapsedSeconds: Number(c), authCode: h };
}
