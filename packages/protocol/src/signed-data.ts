import canonicalize from 'canonicalize';

/**
 * The payload a device signs for an authentication (SPEC §4.3): RFC 8785 canonical JSON,
 * binding the RP, its challenge, the verification code and the session, so a signature
 * obtained for one RP or session cannot be replayed to another.
 */
export interface AuthSignedData {
  v: 1;
  type: 'auth';
  rp: string;
  rpName: string;
  challenge: string;
  vc: string;
  sessionId: string;
  displayText?: string;
  [extra: string]: unknown;
}

/** RFC 8785 (JCS) canonical JSON of a value, as a string. */
export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new TypeError('value cannot be canonicalized');
  return out;
}

/** UTF-8 bytes of the canonical JSON of the auth signedData. */
export function encodeAuthSignedData(data: AuthSignedData): Uint8Array {
  return new TextEncoder().encode(canonicalJson(data));
}

export function decodeAuthSignedData(bytes: Uint8Array): AuthSignedData | undefined {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (!parsed || typeof parsed !== 'object') return undefined;
    const d = parsed as Record<string, unknown>;
    if (d.v !== 1 || d.type !== 'auth') return undefined;
    for (const k of ['rp', 'rpName', 'challenge', 'vc', 'sessionId'] as const) {
      if (typeof d[k] !== 'string') return undefined;
    }
    return d as AuthSignedData;
  } catch {
    return undefined;
  }
}
