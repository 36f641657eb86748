import { Type } from 'typebox';
import type { ClientRecord, ClientRegistration } from '../clients/client-service.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import { FIRST_PARTY_APPS } from '../web-login/first-party.js';
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
      onRequest: requireStaff(ctx, 'operator', 'officer'),
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
      onRequest: requireStaff(ctx, 'operator', 'officer', 'auditor'),
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

  const ClientParams = Type.Object(
    { clientId: Type.String({ minLength: 1, maxLength: 200 }) },
    { additionalProperties: false },
  );
  const operators = requireStaff(ctx, 'operator');
  // The built-in clients of the platform's own web apps: secret derived from the master key and
  // registration kept by web-login/ at every start; an operator may disable them, nothing else.
  const builtIn = new Set(Object.values(FIRST_PARTY_APPS).map((a) => a.clientId));
  const notBuiltIn = (clientId: string) => {
    if (builtIn.has(clientId)) {
      throw new AppError('invalid_state', 'a built-in client of the platform cannot be changed');
    }
  };
  const summary = (client: ClientRecord) => ({
    ...clientInformation(client),
    status: client.status,
    built_in: builtIn.has(client.clientId),
  });

  app.get(
    '/admin/v1/clients',
    {
      onRequest: requireStaff(ctx, 'operator', 'officer', 'auditor'),
      schema: {
        querystring: Type.Object(
          {
            environment: Type.Optional(
              Type.Union([Type.Literal('sandbox'), Type.Literal('production')]),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const clients = await ctx.clients.list(ctx.db, { environment: request.query.environment });
      return { clients: clients.map(summary) };
    },
  );

  // Promotion re-validates the registration by the production rules (https, public hosts).
  app.post(
    '/admin/v1/clients/:clientId/promote',
    { onRequest: operators, schema: { params: ClientParams } },
    async (request) => {
      notBuiltIn(request.params.clientId);
      const client = await ctx.clients.get(ctx.db, request.params.clientId);
      if (!client) throw new AppError('not_found', 'no such client');
      if (client.environment === 'production') {
        throw new AppError('invalid_state', 'the client is in production already');
      }
      return summary(
        await ctx.clients.update(
          ctx.db,
          client.clientId,
          { ...client.metadata, environment: 'production' },
          staffOf(request).actor,
        ),
      );
    },
  );

  app.post(
    '/admin/v1/clients/:clientId/secret',
    { onRequest: operators, schema: { params: ClientParams } },
    async (request, reply) => {
      notBuiltIn(request.params.clientId);
      const { client, clientSecret } = await ctx.clients.rotateSecret(
        ctx.db,
        request.params.clientId,
        staffOf(request).actor,
      );
      reply.header('cache-control', 'no-store');
      return { ...summary(client), client_secret: clientSecret };
    },
  );

  for (const [action, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    app.post(
      `/admin/v1/clients/:clientId/${action}`,
      { onRequest: operators, schema: { params: ClientParams } },
      async (request) =>
        summary(
          await ctx.clients.setStatus(
            ctx.db,
            request.params.clientId,
            status,
            staffOf(request).actor,
          ),
        ),
    );
  }
}
