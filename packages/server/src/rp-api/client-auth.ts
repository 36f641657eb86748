import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { ClientPrincipal } from '../http/request-auth.js';
import type { LimitRule } from '../limits/rate-limiter.js';

/** Failed client authentications allowed per source address per minute, across all nodes. */
export const CLIENT_AUTH_FAILURE_LIMIT: LimitRule = { limit: 20, windowSeconds: 60 };

const CHALLENGE = 'Basic realm="openmid-rp", charset="UTF-8"';

function invalidClient(detail: string): AppError {
  return new AppError('invalid_client', detail, { headers: { 'www-authenticate': CHALLENGE } });
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined by ':' and base64-encoded. */
export function parseBasicAuthorization(
  header: string | undefined,
): { clientId: string; secret: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic[ ]+([A-Za-z0-9+/]+=*)[ ]*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

/**
 * Fastify preHandler for the RP REST API: HTTP Basic with the client id and secret (SPEC §4.3).
 * Sets request.client. A failure is a 401 invalid_client with WWW-Authenticate, is written to
 * the audit log, and counts against the caller's address; past the limit every attempt from that
 * address is refused with 429 until the window ends, right secret or not.
 */
export function requireClient(ctx: AppContext) {
  return async function clientAuth(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const bucket = `client-auth-fail:ip:${request.ip}`;
    const before = await ctx.rateLimiter.peek(ctx.db, bucket, CLIENT_AUTH_FAILURE_LIMIT);
    if (!before.allowed) {
      throw new AppError('rate_limited', 'too many failed client authentications; try later', {
        headers: { 'retry-after': String(before.retryAfterSeconds) },
      });
    }
    const credentials = parseBasicAuthorization(request.headers.authorization);
    const client = credentials
      ? await ctx.clients.authenticate(ctx.db, credentials.clientId, credentials.secret)
      : undefined;
    if (client) {
      const principal: ClientPrincipal = {
        clientId: client.clientId,
        actor: `client:${client.clientId}`,
        record: client,
      };
      request.client = principal;
      return;
    }
    const known = credentials ? await ctx.clients.get(ctx.db, credentials.clientId) : undefined;
    await ctx.db.transaction().execute(async (trx) => {
      await ctx.rateLimiter.consume(trx, bucket, CLIENT_AUTH_FAILURE_LIMIT);
      await ctx.audit.append(trx, {
        type: 'client.authentication_failed',
        actor: 'anonymous',
        clientId: known?.clientId,
        data: {
          reason: !credentials
            ? request.headers.authorization
              ? 'malformed_credentials'
              : 'no_credentials'
            : !known
              ? 'unknown_client'
              : known.status !== 'active'
                ? 'client_disabled'
                : 'wrong_secret',
        },
      });
    });
    throw invalidClient(
      credentials
        ? 'client authentication failed'
        : 'HTTP Basic authentication with the client id and secret is required',
    );
  };
}
