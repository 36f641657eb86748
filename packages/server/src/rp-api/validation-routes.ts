import type { Static } from 'typebox';
import type { AppContext } from '../context.js';
import type { App } from '../http/types.js';
import { bodyLimitFor, decodeDocumentBase64, ValidationBody } from './document-schemas.js';

/** Signature validation (`POST /validation/v1/reports`, SPEC §4.3): no credentials, rate-limited. */
export async function registerValidationRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    '/validation/v1/reports',
    {
      schema: { body: ValidationBody },
      bodyLimit: 2 * bodyLimitFor(ctx.config.documentMaxBytes),
      config: { rateLimit: { max: 60, timeWindow: 60_000 } },
    },
    async (request) => {
      const body = request.body as Static<typeof ValidationBody>;
      const document = decodeDocumentBase64(body.document, 'document');
      const detached =
        body.detachedContent !== undefined
          ? decodeDocumentBase64(body.detachedContent, 'detachedContent')
          : undefined;
      return ctx.validation.validate(ctx.db, document, detached);
    },
  );
}
