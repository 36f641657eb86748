import { Type } from 'typebox';
import type { ClientRecord, ClientRegistration } from '../clients/client-service.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import { requireStaff, staffOf } from './staff-auth.js';

/** RFC 7591 §3.2.1 client information response: the metadata as registered, plus credentials. */
export function clientInformation(
  client: ClientRecord,
  clientSecret?: string,
): Record<string, unknown> {
  return {
    ...client.metadata,
    client_id: client.clientId,
    ...(clientSecret ? { client_secret: clientSecret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
  };
}

/** `POST /admin/v1/clients` (SPEC §4.5, F26): relying-party onboarding by an operator or officer. */
export async function registerClientRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    '/admin/v1/clients',
    {
      preHandler: requireStaff(ctx, 'operator', 'officer'),
      schema: {
        // The full rules (RFC 7591, OIDC, CIBA, sandbox vs production) are the service's; the
        // schema only insists on an object so every problem is reported in one answer.
        body: Type.Object({}, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const { client, clientSecret } = await ctx.clients.register(
        ctx.db,
        request.body as ClientRegistration,
        staff.actor,
      );
      reply.code(201).header('cache-control', 'no-store');
      return clientInformation(client, clientSecret);
    },
  );

  app.get(
    '/admin/v1/clients/:clientId',
    {
      preHandler: requireStaff(ctx, 'operator', 'officer', 'auditor'),
      schema: { params: Type.Object({ clientId: Type.String({ maxLength: 200 }) }) },
    },
    async (request) => {
      const client = await ctx.clients.get(ctx.db, request.params.clientId);
      if (!client) {
        throw new AppError('not_found', 'no such client');
      }
      return { ...clientInformation(client), status: client.status };
    },
  );
}
