import { JWT_VC_ISSUER_PATH, STATUS_LIST_MEDIA_TYPE } from '@openmid/protocol/id-card';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import type { App } from '../http/types.js';

/**
 * The ID card issuer's public trust endpoints (F20, F21; docs/id-card.md): its keys as
 * `/.well-known/jwt-vc-issuer` (SD-JWT VC draft §5) and the signed token status lists.
 */
export async function registerCredentialTrustRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(JWT_VC_ISSUER_PATH, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return ctx.credentials.issuerMetadata();
  });

  app.get('/credentials/v1/status-lists', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return { statusLists: await ctx.credentials.statusListUris() };
  });

  app.get(
    '/credentials/v1/status-lists/:list',
    {
      schema: {
        params: Type.Object(
          { list: Type.String({ pattern: '^[0-9]{1,6}$' }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { token, ttl } = await ctx.credentials.statusListToken(Number(request.params.list));
      reply.header('cache-control', `public, max-age=${ttl}`);
      return reply.type(STATUS_LIST_MEDIA_TYPE).send(token);
    },
  );
}
