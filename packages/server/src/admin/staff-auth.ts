import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { StaffPrincipal, StaffRole } from '../http/request-auth.js';
import { authenticateWebSession, hasSessionCookie } from '../web-login/web-auth.js';

/** A route-level hook, run on arrival (onRequest) so a caller without the role learns nothing of the body rules. */
export type StaffPreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const BEARER = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i;

/** The bearer token of an Authorization header; undefined when there is none of that scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * The staff member of a console session (web-login/, docs/web-login.md): the staff session cookie,
 * with the X-CSRF-Token header on every state-changing call. A session whose staff member was
 * disabled since is ended (401).
 */
async function staffOfSession(ctx: AppContext, request: FastifyRequest): Promise<StaffPrincipal> {
  const { id, session } = await authenticateWebSession(ctx, request, 'staff');
  const staff = await ctx.staff.principal(ctx.db, session.principalId);
  if (!staff) {
    await ctx.webSessions.destroy(ctx.db, id);
    throw new AppError('unauthorized', 'this staff member can no longer log in');
  }
  request.webSession = session;
  return staff;
}

/**
 * Fastify onRequest hook for the admin API (SPEC §4.5): authenticates the bearer token of a staff
 * member and decorates `request.staff` (http/request-auth.ts). With roles given, only those roles
 * pass (403 otherwise, audited). No token: 401 with WWW-Authenticate; a wrong token: 401, counted
 * per source address in the database and audited; too many: 429. Without an Authorization header,
 * the consoles' session cookie (plus CSRF header) is the alternative.
 */
export function requireStaff(ctx: AppContext, ...roles: StaffRole[]): StaffPreHandler {
  return async (request) => {
    const staff =
      request.headers.authorization === undefined && hasSessionCookie(request, 'staff')
        ? await staffOfSession(ctx, request)
        : await ctx.staff.authenticate(
            ctx.db,
            bearerToken(request.headers.authorization),
            request.ip,
          );
    if (roles.length > 0 && !roles.includes(staff.role)) {
      await ctx.audit.append(ctx.db, {
        type: 'admin.forbidden',
        actor: staff.actor,
        data: { method: request.method, route: request.routeOptions.url ?? 'unknown' },
      });
      throw new AppError('forbidden', `the ${staff.role} role may not do this`);
    }
    request.staff = staff;
  };
}

/** The authenticated staff member of a route behind requireStaff. */
export function staffOf(request: FastifyRequest): { id: string; role: StaffRole; actor: string } {
  if (!request.staff) throw new AppError('unauthorized', 'no authenticated staff member');
  return request.staff;
}
