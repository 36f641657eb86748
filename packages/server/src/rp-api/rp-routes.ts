import type { FastifyReply } from 'fastify';
import type { ClientRecord } from '../clients/client-service.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { ClientPrincipal } from '../http/request-auth.js';
import type { App } from '../http/types.js';
import type { SessionKind, SessionSubject, SessionView } from '../sessions/session-service.js';
import { requestFingerprint } from '../sessions/sessions.js';
import { requireClient } from './client-auth.js';
import {
  AuthenticationBody,
  CertificateChoiceBody,
  decodeBase64,
  IdempotencyHeaders,
  SessionParams,
  SessionQuery,
  SignatureBody,
} from './rp-schemas.js';

export const LONG_POLL_MAX_MS = 30_000;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The JSON an RP receives for a session (SPEC §4.3). */
export async function sessionJson(
  ctx: AppContext,
  view: SessionView,
  client?: ClientRecord,
): Promise<Record<string, unknown>> {
  if (view.state === 'RUNNING' || !view.outcome) return { state: 'RUNNING' };
  const o = view.outcome;
  const body: Record<string, unknown> = { state: 'COMPLETE', result: { endResult: o.endResult } };
  // Document signing (F16): the signed document, assembled on the first poll after completion.
  const document =
    view.origin === 'document' ? await ctx.documents.completedDocument(ctx.db, view) : undefined;
  if (o.endResult !== 'OK') return body;
  if (o.signature) {
    body.signature = {
      value: b64(o.signature.value),
      algorithm: o.signature.algorithm,
      ...(o.signature.signedData ? { signedData: b64(o.signature.signedData) } : {}),
    };
  }
  if (o.certificate) body.certificate = b64(o.certificate);
  if (o.ocspResponse) body.ocspResponse = b64(o.ocspResponse);
  const subject = await ctx.sessions.subjectOf(ctx.db, view, client);
  if (subject) body.subject = subject;
  if (document) body.document = b64(document);
  return body;
}

function clientOf(request: { client?: ClientPrincipal }) {
  if (!request.client) throw new AppError('invalid_client', 'client authentication is required');
  return request.client;
}

/** The RP REST API `/rp/v1` (SPEC §4.3): notification and QR authentication, certificate choice, hash signing. */
export async function registerRpRoutes(app: App, ctx: AppContext): Promise<void> {
  // Authenticate before the body is even parsed: an unauthenticated caller learns nothing.
  app.addHook('onRequest', requireClient(ctx));

  const startRoute = (
    path: string,
    kind: SessionKind,
    schema: typeof AuthenticationBody | typeof CertificateChoiceBody | typeof SignatureBody,
  ) =>
    app.post(
      path,
      { schema: { body: schema, headers: IdempotencyHeaders } },
      async (request, reply: FastifyReply) => {
        const client = clientOf(request);
        const body = request.body as {
          subject?: SessionSubject;
          hash?: string;
          hashType?: 'SHA256' | 'SHA384' | 'SHA512';
          displayText?: string;
          vcChoice?: boolean;
          claims?: string[];
        };
        const key = request.headers['idempotency-key'];
        const started = await ctx.sessions.startWith(
          ctx.db,
          {
            clientId: client.clientId,
            kind,
            ...(body.subject ? { subject: body.subject } : {}),
            ...(body.hash !== undefined ? { hash: decodeBase64(body.hash, 'hash') } : {}),
            ...(body.hashType ? { hashType: body.hashType } : {}),
            ...(body.displayText !== undefined ? { displayText: body.displayText } : {}),
            ...(body.vcChoice !== undefined ? { vcChoice: body.vcChoice } : {}),
            ...(body.claims ? { claims: body.claims } : {}),
            origin: 'rest',
            actor: client.actor,
          },
          {
            ...(client.record ? { client: client.record } : {}),
            ...(typeof key === 'string'
              ? { idempotency: { key, requestHash: requestFingerprint('POST', path, body) } }
              : {}),
          },
        );
        reply.code(201);
        return started;
      },
    );

  startRoute('/rp/v1/authentication', 'auth', AuthenticationBody);
  startRoute('/rp/v1/certificate-choice', 'certificate-choice', CertificateChoiceBody);
  startRoute('/rp/v1/signature', 'sign', SignatureBody);

  app.get(
    '/rp/v1/sessions/:id',
    { schema: { params: SessionParams, querystring: SessionQuery } },
    async (request, reply) => {
      const client = clientOf(request);
      const timeoutMs = Number(request.query.timeoutMs ?? '0');
      if (timeoutMs > LONG_POLL_MAX_MS) {
        throw new AppError('invalid_request', `timeoutMs must be at most ${LONG_POLL_MAX_MS}`);
      }
      const abort = new AbortController();
      const onClose = () => abort.abort();
      reply.raw.once('close', onClose);
      const onShutdown = () => abort.abort();
      ctx.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
      try {
        const view =
          timeoutMs > 0
            ? await ctx.sessions.waitForCompletion(
                client.clientId,
                request.params.id,
                timeoutMs,
                abort.signal,
              )
            : await ctx.sessions.get(ctx.db, client.clientId, request.params.id);
        if (!view) throw new AppError('session_not_found', 'no such session for this client');
        reply.header('cache-control', 'no-store');
        return sessionJson(ctx, view, client.record);
      } finally {
        reply.raw.off('close', onClose);
        ctx.shutdownSignal.removeEventListener('abort', onShutdown);
      }
    },
  );

  app.delete('/rp/v1/sessions/:id', { schema: { params: SessionParams } }, async (request) => {
    const client = clientOf(request);
    const view = await ctx.sessions.cancel(
      ctx.db,
      client.clientId,
      request.params.id,
      client.actor,
    );
    return sessionJson(ctx, view, client.record);
  });
}
