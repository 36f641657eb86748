import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { StaffRole } from '../http/request-auth.js';

/** A route-level preHandler (any route's generics accept it). */
export type StaffPreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const BEARER = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i;

/** The bearer token of an Authorization header; undefined when there is none of that scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * Fastify preHandler for the admin API (SPEC §4.5): authenticates the bearer token of a staff
 * member and decorates `request.staff` (http/request-auth.ts). With roles given, only those roles
 * pass (403 otherwise, audited). No token: 401 with WWW-Authenticate; a wrong token: 401, counted
 * per source address in the database and audited; too many: 429.
 */
export function requireStaff(ctx: AppContext, ...roles: StaffRole[]): StaffPreHandler {
  return async (request) => {
    const staff = await ctx.staff.authenticate(
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
