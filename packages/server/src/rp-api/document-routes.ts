import type { Static } from 'typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import { requestFingerprint } from '../sessions/sessions.js';
import { requireClient } from './client-auth.js';
import { bodyLimitFor, DocumentSignatureBody, decodeDocumentBase64 } from './document-schemas.js';

/**
 * Document signing for relying parties (`POST /rp/v1/documents/signature`, SPEC §4.3). The
 * signed document arrives in the session result (`GET /rp/v1/sessions/{id}` → `document`).
 */
export async function registerDocumentRoutes(app: App, ctx: AppContext): Promise<void> {
  app.addHook('onRequest', requireClient(ctx));
  app.post(
    '/rp/v1/documents/signature',
    {
      schema: { body: DocumentSignatureBody },
      bodyLimit: bodyLimitFor(ctx.config.documentMaxBytes),
    },
    async (request, reply) => {
      const client = request.client;
      if (!client) throw new AppError('invalid_client', 'client authentication is required');
      const body = request.body as Static<typeof DocumentSignatureBody>;
      const document = decodeDocumentBase64(body.document, 'document');
      const v = body.visibleSignature;
      const key = request.headers['idempotency-key'];
      const started = await ctx.documents.startSigning(ctx.db, {
        clientId: client.clientId,
        actor: client.actor,
        subject: body.subject,
        document,
        documentName: body.documentName,
        format: body.format,
        level: body.level,
        ...(body.displayText !== undefined ? { displayText: body.displayText } : {}),
        ...(body.keep !== undefined ? { keep: body.keep } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(typeof key === 'string'
          ? {
              idempotency: {
                key,
                requestHash: requestFingerprint('POST', '/rp/v1/documents/signature', body),
              },
            }
          : {}),
        ...(v
          ? {
              visible: {
                page: v.page - 1,
                rect: { x: v.x, y: v.y, width: v.width, height: v.height },
              },
            }
          : {}),
      });
      reply.code(201);
      return {
        sessionId: started.sessionId,
        ...(started.verificationCode ? { verificationCode: started.verificationCode } : {}),
      };
    },
  );
}
