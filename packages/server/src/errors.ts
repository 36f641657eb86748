import { ERROR_CODES, type ErrorCode } from '@openmid/protocol';

/**
 * The one error family of the platform (DESIGN §1). Domain code throws AppError with a stable
 * code; the HTTP adapter maps it to an RFC 9457 problem body. Anything else becomes a 500.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra members for the problem body (never secrets). */
  readonly extensions: Record<string, unknown>;
  /** Response headers to send with the problem (e.g. Retry-After, WWW-Authenticate). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: {
      cause?: unknown;
      status?: number;
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export const badRequest = (detail: string, cause?: unknown): AppError =>
  new AppError('invalid_request', detail, { cause });
export const notFound = (detail = 'not found'): AppError => new AppError('not_found', detail);
export const forbidden = (detail = 'not allowed'): AppError => new AppError('forbidden', detail);
export const invalidState = (detail: string): AppError => new AppError('invalid_state', detail);
