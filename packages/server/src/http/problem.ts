import {
  ERROR_CODES,
  type ErrorCode,
  PROBLEM_TYPE_PREFIX,
  type ProblemDetails,
} from '@openmid/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export function problemBody(
  code: ErrorCode,
  detail: string,
  requestId: string,
  status: number = ERROR_CODES[code].status,
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  return {
    ...extensions,
    type: `${PROBLEM_TYPE_PREFIX}${code}`,
    title: ERROR_CODES[code].title,
    status,
    detail,
    error: code,
    requestId,
  };
}

export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(
      problemBody(
        error.code,
        error.message,
        String(reply.request.id),
        error.status,
        error.extensions,
      ),
    );
}

/** Map Fastify's own errors (validation, body parsing, size limits) to stable codes. */
function fromFastifyError(error: FastifyError): AppError | undefined {
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    const detail = error.validation
      .slice(0, 5)
      .map((v) => `${where}${v.instancePath || ''} ${v.message ?? 'is invalid'}`)
      .join('; ');
    return new AppError('invalid_request', detail);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'payload_too_large',
        'the request body is larger than this endpoint accepts',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'unsupported_media_type',
        'this endpoint does not accept that content type',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_json', 'the body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_INVALID_HANDLER':
      return new AppError('unsupported_media_type', 'unsupported content type');
    default:
      break;
  }
  if (error instanceof SyntaxError)
    return new AppError('invalid_json', 'the body is not valid JSON');
  if (error.statusCode === 429)
    return new AppError('rate_limited', error.message || 'too many requests');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('invalid_request', error.message, { status: error.statusCode });
  }
  return undefined;
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler(
    (error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
      const known = error instanceof AppError ? error : fromFastifyError(error as FastifyError);
      if (known) {
        if (known.status >= 500) request.log.error({ err: error }, 'request failed');
        return sendProblem(reply, known);
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(
        reply,
        new AppError(
          'internal_error',
          `internal error; quote request id ${request.id} to the operator`,
        ),
      );
    },
  );
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new AppError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
