import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { CitizenPrincipal, WebSessionPrincipal } from '../http/request-auth.js';
import { sourcePseudonym } from '../keys/keyed-hash.js';
import { cookieValue } from './cookies.js';
import type { WebAudience } from './web-sessions.js';

/** The request header that carries the CSRF token of a web session. */
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie of an audience (one per audience: a browser may be in the console and the portal). */
export const sessionCookieName = (audience: WebAudience): string => `omid_${audience}`;

export type WebPreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Whether the request carries a session cookie of this audience (valid or not). */
export function hasSessionCookie(request: FastifyRequest, audience: WebAudience): boolean {
  return cookieValue(request, sessionCookieName(audience)) !== undefined;
}

/**
 * Authenticate the session cookie of `audience` (401 when missing, unknown or expired) and, for
 * every state-changing method, its CSRF token in the X-CSRF-Token header (403 csrf_failed,
 * audited). Returns the session and the raw cookie value.
 */
export async function authenticateWebSession(
  ctx: AppContext,
  request: FastifyRequest,
  audience: WebAudience,
): Promise<{ id: string; session: WebSessionPrincipal }> {
  const id = cookieValue(request, sessionCookieName(audience));
  const session =
    id === undefined ? undefined : await ctx.webSessions.resolve(ctx.db, audience, id);
  if (id === undefined || !session) {
    throw new AppError(
      'unauthorized',
      id === undefined ? 'log in first' : 'the session has expired or ended; log in again',
    );
  }
  if (!SAFE_METHODS.has(request.method)) {
    const token = request.headers[CSRF_HEADER];
    if (!ctx.webSessions.csrfMatches(id, typeof token === 'string' ? token : undefined)) {
      await ctx.audit.append(ctx.db, {
        type: 'web_login.csrf_failed',
        actor: 'anonymous',
        data: {
          audience,
          method: request.method,
          route: request.routeOptions.url ?? 'unknown',
          source: sourcePseudonym(ctx.vault)(request.ip),
        },
      });
      throw new AppError('csrf_failed', `a valid ${CSRF_HEADER} header is required`);
    }
  }
  return { id, session };
}

/** preHandler: a live session of this audience (request.webSession), CSRF checked. */
export function requireWebSession(ctx: AppContext, audience: WebAudience): WebPreHandler {
  return async (request) => {
    const { session } = await authenticateWebSession(ctx, request, audience);
    request.webSession = session;
  };
}

/**
 * preHandler for the citizen's self-service portal (engineer `wallet`): a citizen session (log-in
 * with Mobile ID through /web-login/v1/citizen/login), CSRF checked on state-changing methods;
 * decorates request.citizen with the person id. A person no longer active is refused (401).
 */
export function requireCitizen(ctx: AppContext): WebPreHandler {
  return async (request) => {
    const { id, session } = await authenticateWebSession(ctx, request, 'citizen');
    const person = await ctx.registry.getPerson(ctx.db, session.principalId);
    if (person?.status !== 'active') {
      await ctx.webSessions.destroy(ctx.db, id);
      throw new AppError('unauthorized', 'this person can no longer log in');
    }
    request.webSession = session;
    request.citizen = { personId: person.id, actor: `person:${person.id}` };
  };
}

/** The citizen of a route behind requireCitizen. */
export function citizenOf(request: FastifyRequest): CitizenPrincipal {
  if (!request.citizen) throw new AppError('unauthorized', 'no citizen session');
  return request.citizen;
}

/** The web session of a route behind requireWebSession. */
export function webSessionOf(request: FastifyRequest): WebSessionPrincipal {
  if (!request.webSession) throw new AppError('unauthorized', 'no web session');
  return request.webSession;
}
