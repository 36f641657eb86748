import {
  DEVICE_API_PREFIX,
  HISTORY_KINDS,
  type HistoryResponse,
  type PushKeyResponse,
} from '@openmid/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { deviceOf, requireDevice } from '../device-api/device-proof.js';
import type { App } from '../http/types.js';
import { historyQueryOf, personHistory } from './history.js';
import { PUSH_ENDPOINT_MAX } from './push-service.js';

export const HistoryQuerySchema = Type.Object(
  {
    kind: Type.Optional(Type.Union(HISTORY_KINDS.map((k) => Type.Literal(k)))),
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
  },
  { additionalProperties: false },
);

const PushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 8, maxLength: PUSH_ENDPOINT_MAX }),
    keys: Type.Object(
      {
        p256dh: Type.String({ minLength: 80, maxLength: 100 }),
        auth: Type.String({ minLength: 16, maxLength: 32 }),
      },
      { additionalProperties: false },
    ),
    // PushSubscription.toJSON() carries it; the server ignores it.
    expirationTime: Type.Optional(Type.Union([Type.Null(), Type.Number()])),
  },
  { additionalProperties: false },
);

/**
 * The wallet's device-API routes (SPEC F13, F22): the citizen's usage log and Web Push.
 * Authenticated by the device proof, like the rest of `/device/v1`.
 */
export async function registerWalletRoutes(app: App, ctx: AppContext): Promise<void> {
  // A suspended device still reads its history (the citizen sees why it stopped working).
  const reader = requireDevice(ctx, { allow: ['suspended'] });
  const auth = requireDevice(ctx);

  app.get(
    `${DEVICE_API_PREFIX}/history`,
    { preHandler: reader, schema: { querystring: HistoryQuerySchema } },
    async (request, reply): Promise<HistoryResponse> => {
      const { personId } = deviceOf(request);
      reply.header('cache-control', 'no-store');
      return personHistory(ctx, ctx.db, personId, historyQueryOf(request.query));
    },
  );

  // Public: the applicationServerKey every wallet subscribes with.
  app.get(`${DEVICE_API_PREFIX}/push/key`, async (): Promise<PushKeyResponse> => {
    return { publicKey: await ctx.push.publicKey() };
  });

  app.put(
    `${DEVICE_API_PREFIX}/push/subscription`,
    { preHandler: auth, schema: { body: PushSubscriptionBody } },
    async (request, reply) => {
      const { deviceId } = deviceOf(request);
      const { endpoint, keys } = request.body;
      await ctx.push.subscribe(ctx.db, deviceId, { endpoint, keys });
      return reply.code(204).send();
    },
  );

  app.delete(
    `${DEVICE_API_PREFIX}/push/subscription`,
    { preHandler: reader },
    async (request, reply) => {
      await ctx.push.unsubscribe(ctx.db, deviceOf(request).deviceId);
      return reply.code(204).send();
    },
  );

  ctx.push.useLogger(app.log);
  app.addHook('onClose', () => ctx.push.drain());
}
