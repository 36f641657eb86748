import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../http/types.js';
import type { OidcProvider } from './provider.js';

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
/** oidc-provider's own body limit for form posts. */
const FORM_LIMIT = 56 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  reply.raw.statusCode = status;
  reply.raw.setHeader('content-type', 'application/json; charset=utf-8');
  reply.raw.setHeader('cache-control', 'no-store');
  reply.raw.end(JSON.stringify({ error, error_description: description }));
}

/**
 * Mount oidc-provider under Fastify: its endpoints (/oidc/*) and discovery are handed to the
 * provider's own Node handler before Fastify parses anything, so the provider sees the raw request
 * and answers in OAuth's format, while our other routes keep their problem bodies. The provider
 * builds every URL from PUBLIC_URL (X-Forwarded-* are set from it here, never taken from the
 * client).
 */
export function mountProvider(app: App, publicUrl: string, current: () => OidcProvider): void {
  const url = new URL(publicUrl);
  const proto = url.protocol.replace(':', '');
  const pathPrefix = url.pathname.replace(/\/$/, '');

  const handlers = new WeakMap<object, ReturnType<OidcProvider['provider']['callback']>>();
  const handlerOf = (p: OidcProvider['provider']) => {
    let handler = handlers.get(p);
    if (!handler) {
      handler = p.callback();
      handlers.set(p, handler);
    }
    return handler;
  };

  async function forward(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.hijack();
    try {
      await handOver(request, reply);
    } catch (error) {
      request.log.error({ err: error }, 'OIDC request failed before the provider');
      if (!reply.raw.headersSent) oauthError(reply, 500, 'server_error', 'internal error');
      else reply.raw.end();
    }
  }

  async function handOver(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { provider, ciba } = current();
    const req = request.raw as IncomingMessage & { originalUrl?: string; body?: string };
    req.headers['x-forwarded-proto'] = proto;
    req.headers['x-forwarded-host'] = url.host;
    req.headers['x-forwarded-for'] = request.ip;
    delete req.headers.forwarded;
    if (pathPrefix) req.originalUrl = `${pathPrefix}${req.url ?? ''}`;

    const path = (req.url ?? '').split('?')[0];
    const isForm = (req.headers['content-type'] ?? '').startsWith(
      'application/x-www-form-urlencoded',
    );
    if (req.method === 'POST' && path === '/oidc/token' && isForm) {
      // CIBA: slow_down and cross-node completion happen before oidc-provider sees the poll.
      const body = await readBody(req);
      if (!body) return oauthError(reply, 413, 'invalid_request', 'request body too large');
      const params = new URLSearchParams(body.toString('utf8'));
      const authReqId = params.get('auth_req_id');
      if (params.get('grant_type') === CIBA_GRANT && authReqId) {
        if ((await ciba.beforeTokenPoll(authReqId)) === 'slow_down') {
          return oauthError(
            reply,
            400,
            'slow_down',
            'you are polling too quickly and should back off at a reasonable rate',
          );
        }
      }
      req.body = body.toString('utf8');
    }
    handlerOf(provider)(req, reply.raw);
  }

  const methods = ['GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE', 'PUT'] as const;
  for (const route of ['/oidc/*', '/.well-known/openid-configuration']) {
    app.route({
      method: [...methods],
      url: route,
      exposeHeadRoute: false,
      // Before Fastify parses the body: the provider reads the raw stream itself.
      onRequest: async (request, reply) => {
        await forward(request, reply);
        return reply;
      },
      handler: async () => undefined,
    });
  }
}
