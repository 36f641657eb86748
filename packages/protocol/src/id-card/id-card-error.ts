/** Why the wallet or the verifier refuses something; `code` is stable for programs and UIs. */
export type IdCardErrorCode =
  /** The verifier request is malformed, expired or its signature does not verify. */
  | 'invalid_request'
  /** The verifier certificate does not chain to the platform's CA or is not a verifier certificate. */
  | 'untrusted_verifier'
  /** The request (or the approval) names claims the verifier's role may not receive. */
  | 'claims_not_allowed'
  /** A QR frame is malformed or belongs to another message. */
  | 'invalid_frame'
  /** The status list token is malformed, not signed by the issuer or expired. */
  | 'invalid_status_list';

export class IdCardError extends Error {
  readonly code: IdCardErrorCode;
  /** For claims_not_allowed: the claims asked for beyond what is allowed. */
  readonly claims: readonly string[];
  constructor(
    code: IdCardErrorCode,
    message: string,
    options: { cause?: unknown; claims?: readonly string[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IdCardError';
    this.code = code;
    this.claims = options.claims ?? [];
  }
}
