import { base64url } from 'jose';

/** base64url without padding (RFC 4648 §5), as JOSE uses it: jose's own codec. */
export function decodeBase64Url(text: string): Uint8Array {
  return base64url.decode(text);
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}
