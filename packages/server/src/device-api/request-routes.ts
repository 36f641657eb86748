import type {
  DeviceAnswerResponse,
  PendingRequest,
  PendingRequestsResponse,
} from '@openmid/protocol';
import { DEVICE_API_PREFIX, RELEASABLE_CLAIMS } from '@openmid/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { DevicePrincipal } from '../http/request-auth.js';
import type { App } from '../http/types.js';
import { requireDevice } from './device-proof.js';

/** Longest device long poll. */
export const DEVICE_POLL_MAX_MS = 60_000;
/** SSE keep-alive comment and safety re-read interval. */
export const STREAM_HEARTBEAT_MS = 15_000;

const DeviceAnswerBody = Type.Object(
  {
    decision: Type.Union([
      Type.Literal('approve'),
      Type.Literal('refuse'),
      Type.Literal('not_me'),
      Type.Literal('pin_blocked'),
    ]),
    signature: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    pickedCode: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
    approvedClaims: Type.Optional(
      Type.Array(Type.Union(RELEASABLE_CLAIMS.map((c) => Type.Literal(c))), { maxItems: 20 }),
    ),
  },
  { additionalProperties: false },
);

function deviceOf(request: { device?: DevicePrincipal }): DevicePrincipal {
  if (!request.device) throw new AppError('invalid_device_proof', 'a device proof is required');
  return request.device;
}

/**
 * The phone's side of a session (protocol/src/device-api.ts): pending requests by long poll or an
 * SSE stream, the citizen's answer, and claiming a scanned QR code (F10, F11).
 */
export async function registerDeviceRequestRoutes(app: App, ctx: AppContext): Promise<void> {
  const auth = requireDevice(ctx);
  // The answer reaches the session service even from a device whose certificate was just revoked
  // or suspended, so the session ends CERTIFICATE_INVALID at once instead of timing out (F5).
  const answering = requireDevice(ctx, { allow: ['suspended', 'revoked'] });

  app.get(
    `${DEVICE_API_PREFIX}/requests`,
    {
      preHandler: auth,
      schema: {
        querystring: Type.Object(
          { timeoutMs: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply): Promise<PendingRequestsResponse> => {
      const device = deviceOf(request);
      const timeoutMs = Number(request.query.timeoutMs ?? '0');
      if (timeoutMs > DEVICE_POLL_MAX_MS) {
        throw new AppError('invalid_request', `timeoutMs must be at most ${DEVICE_POLL_MAX_MS}`);
      }
      const abort = new AbortController();
      const onClose = () => abort.abort();
      reply.raw.once('close', onClose);
      ctx.shutdownSignal.addEventListener('abort', onClose, { once: true });
      try {
        const requests = await ctx.sessions.waitForDeviceRequests(
          device.deviceId,
          timeoutMs,
          abort.signal,
        );
        reply.header('cache-control', 'no-store');
        return { requests };
      } finally {
        reply.raw.off('close', onClose);
        ctx.shutdownSignal.removeEventListener('abort', onClose);
      }
    },
  );

  app.get(`${DEVICE_API_PREFIX}/requests/stream`, { preHandler: auth }, async (request, reply) => {
    const device = deviceOf(request);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    const sent = new Set<string>();
    let closed = false;
    let busy: Promise<void> = Promise.resolve();
    const send = (pending: PendingRequest[]) => {
      const live = new Set(pending.map((p) => p.sessionId));
      for (const id of sent) {
        if (!live.has(id)) {
          sent.delete(id);
          res.write(`event: ended\ndata: ${JSON.stringify({ sessionId: id })}\n\n`);
        }
      }
      for (const p of pending) {
        if (sent.has(p.sessionId)) continue;
        sent.add(p.sessionId);
        res.write(`event: request\nid: ${p.sessionId}\ndata: ${JSON.stringify(p)}\n\n`);
      }
    };
    const refresh = () => {
      busy = busy
        .then(async () => {
          if (closed) return;
          send(await ctx.sessions.pendingForDevice(ctx.db, device.deviceId));
        })
        .catch((err: unknown) => request.log.warn({ err }, 'device stream refresh failed'));
    };
    const unsubscribe = ctx.sessions.watchDevice(device.deviceId, refresh);
    const heartbeat = setInterval(() => {
      if (!closed) res.write(': keep-alive\n\n');
      refresh();
    }, STREAM_HEARTBEAT_MS);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      ctx.shutdownSignal.removeEventListener('abort', close);
      res.end();
    };
    res.once('close', close);
    ctx.shutdownSignal.addEventListener('abort', close, { once: true });
    res.write(': connected\n\n');
    refresh();
  });

  app.post(
    `${DEVICE_API_PREFIX}/requests/:sessionId/response`,
    {
      preHandler: answering,
      schema: {
        params: Type.Object({ sessionId: Type.String({ maxLength: 64 }) }),
        body: DeviceAnswerBody,
      },
    },
    async (request): Promise<DeviceAnswerResponse> => {
      const device = deviceOf(request);
      return ctx.sessions.answer(ctx.db, device, request.params.sessionId, request.body);
    },
  );

  app.post(
    `${DEVICE_API_PREFIX}/qr`,
    {
      preHandler: auth,
      schema: {
        body: Type.Object(
          { qr: Type.String({ minLength: 1, maxLength: 512 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request): Promise<PendingRequest> => {
      const device = deviceOf(request);
      return ctx.sessions.claimQr(ctx.db, device, request.body.qr);
    },
  );
}
