/**
 * Stable error codes: the `error` member of every RFC 9457 problem body (SPEC §4.3).
 * They are part of the public contract — never rename one; add new ones instead.
 * Each has a heading in docs/errors.md (checked by a test).
 */
export const ERROR_CODES = {
  invalid_request: { status: 400, title: 'Invalid request' },
  invalid_json: { status: 400, title: 'Malformed JSON body' },
  invalid_encoding: { status: 400, title: 'Invalid encoding' },
  invalid_national_id: { status: 400, title: 'Invalid national identifier' },
  invalid_csr: { status: 400, title: 'Invalid certificate signing request' },
  invalid_document: { status: 400, title: 'Invalid document' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_client: { status: 401, title: 'Client authentication failed' },
  invalid_token: { status: 401, title: 'Invalid or expired token' },
  invalid_device_proof: { status: 401, title: 'Invalid device proof' },
  forbidden: { status: 403, title: 'Not allowed' },
  csrf_failed: { status: 403, title: 'CSRF check failed' },
  not_found: { status: 404, title: 'Not found' },
  session_not_found: { status: 404, title: 'Session not found' },
  person_not_found: { status: 404, title: 'Person not found' },
  certificate_not_found: { status: 404, title: 'Certificate not found' },
  conflict: { status: 409, title: 'Conflict' },
  already_exists: { status: 409, title: 'Already exists' },
  invalid_state: { status: 409, title: 'Not allowed in the current state' },
  activation_code_invalid: { status: 400, title: 'Activation code invalid or expired' },
  activation_locked: { status: 429, title: 'Too many activation attempts' },
  enrolment_code_invalid: { status: 400, title: 'Verifier enrolment code invalid or expired' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The RFC 9457 problem body every OpenMID HTTP API returns on error. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  error: ErrorCode;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export const PROBLEM_TYPE_PREFIX = 'urn:openmid:problem:';

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
