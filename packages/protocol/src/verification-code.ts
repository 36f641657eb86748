/**
 * Verification code of SPEC §4.3: the big-endian uint16 of the last two bytes of
 * SHA-256(hash bytes), mod 10000, as four digits. Shown on the RP's screen and on the phone.
 */
export async function verificationCode(hash: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(hash)));
  const hi = digest[digest.length - 2] ?? 0;
  const lo = digest[digest.length - 1] ?? 0;
  return String(((hi << 8) | lo) % 10000).padStart(4, '0');
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
