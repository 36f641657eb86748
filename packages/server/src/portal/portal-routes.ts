import type { HistoryResponse } from '@openmid/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import { historyQueryOf, personHistory } from '../wallet/history.js';
import { HistoryQuerySchema } from '../wallet/wallet-routes.js';
import {
  authenticateWebSession,
  citizenOf,
  hasSessionCookie,
  requireCitizen,
} from '../web-login/web-auth.js';

export const PORTAL_API_PREFIX = '/portal/v1';

const DeviceParams = Type.Object(
  { deviceId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/**
 * The citizen's self-service portal API (SPEC F23; docs/wallet.md): who is logged in, their
 * devices and certificates, suspending a lost device, and the usage log. Behind a citizen web
 * session (Mobile ID log-in, docs/web-login.md) with CSRF on the one state-changing call.
 */
export async function registerPortalRoutes(app: App, ctx: AppContext): Promise<void> {
  const citizen = requireCitizen(ctx);

  // "Am I logged in?" for the portal page: always 200, so a visitor who is not logged in does not
  // meet an error (the page then offers the log-in). The CSRF token comes with a live session.
  app.get(`${PORTAL_API_PREFIX}/session`, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (!hasSessionCookie(request, 'citizen')) return { loggedIn: false };
    let live: Awaited<ReturnType<typeof authenticateWebSession>>;
    try {
      live = await authenticateWebSession(ctx, request, 'citizen');
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') return { loggedIn: false };
      throw error;
    }
    const person = await ctx.registry.getPerson(ctx.db, live.session.principalId);
    if (person?.status !== 'active') return { loggedIn: false };
    return {
      loggedIn: true,
      nationalId: person.nationalId,
      givenName: person.givenName,
      familyName: person.familyName,
      csrfToken: ctx.webSessions.csrfToken(live.id),
      expiresAt: live.session.expiresAt.toISOString(),
    };
  });

  app.get(`${PORTAL_API_PREFIX}/overview`, { preHandler: citizen }, async (request, reply) => {
    const { personId } = citizenOf(request);
    const person = await ctx.registry.getPerson(ctx.db, personId);
    if (!person) throw new AppError('unauthorized', 'this person can no longer log in');
    const devices = await ctx.registry.listDevicesOfPerson(ctx.db, personId);
    const withCertificates = await Promise.all(
      devices.map(async (device) => {
        const certificates = await ctx.pki.listCertificatesOfDevice(ctx.db, device.id);
        return {
          deviceId: device.id,
          name: device.name,
          status: device.status,
          keyStore: device.keyStore,
          createdAt: device.createdAt.toISOString(),
          certificates: certificates.map((c) => ({
            serialHex: c.serialHex,
            purpose: c.purpose,
            status: c.status,
            notBefore: c.notBefore.toISOString(),
            notAfter: c.notAfter.toISOString(),
            current: c.serialHex === device.authCertSerial || c.serialHex === device.signCertSerial,
          })),
        };
      }),
    );
    reply.header('cache-control', 'no-store');
    return {
      person: {
        nationalId: person.nationalId,
        givenName: person.givenName,
        familyName: person.familyName,
      },
      devices: withCertificates,
    };
  });

  // A lost phone: the citizen suspends it at once (its certificates go on hold, F5); only an
  // officer resumes it, after checking who asks.
  app.post(
    `${PORTAL_API_PREFIX}/devices/:deviceId/suspend`,
    { preHandler: citizen, schema: { params: DeviceParams } },
    async (request) => {
      const { personId, actor } = citizenOf(request);
      const deviceId = request.params.deviceId.toLowerCase();
      const device = await ctx.registry.getDevice(ctx.db, deviceId);
      // Someone else's device looks exactly like a missing one.
      if (device?.personId !== personId) throw new AppError('not_found', 'no such device');
      const changed = await ctx.activation.changeDeviceStatus(ctx.db, deviceId, 'suspend', actor);
      return { deviceId: changed.id, status: changed.status };
    },
  );

  app.get(
    `${PORTAL_API_PREFIX}/history`,
    { preHandler: citizen, schema: { querystring: HistoryQuerySchema } },
    async (request, reply): Promise<HistoryResponse> => {
      const { personId } = citizenOf(request);
      reply.header('cache-control', 'no-store');
      return personHistory(ctx, ctx.db, personId, historyQueryOf(request.query));
    },
  );
}
