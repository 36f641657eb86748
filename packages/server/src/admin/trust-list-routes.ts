import { type Static, Type } from 'typebox';
import type { AppContext } from '../context.js';
import type { TrustAnchorView } from '../documents/validation-service.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import { requireStaff, staffOf } from './staff-auth.js';

const TrustAnchorBody = Type.Object(
  { certificate: Type.String({ minLength: 1, maxLength: 64 * 1024 }) },
  { additionalProperties: false },
);
const FingerprintParams = Type.Object(
  { fingerprint: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);

const anchorJson = (a: TrustAnchorView) => ({
  fingerprint: a.fingerprint,
  subject: a.subject,
  certificate: Buffer.from(a.certificate).toString('base64'),
  addedAt: a.addedAt.toISOString(),
});

/** A PEM certificate or base64 DER. */
function certificateBytes(text: string): Uint8Array {
  const pem = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(text);
  const b64 = (pem?.[1] ?? text).replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    throw new AppError('invalid_encoding', 'certificate must be PEM or base64 DER');
  }
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/**
 * The validation trust list (F17): CAs the operator adds beside our own, e.g. another country's,
 * so that their citizens' signatures validate. Operators change it; auditors read it.
 */
export async function registerTrustListRoutes(app: App, ctx: AppContext): Promise<void> {
  const operators = requireStaff(ctx, 'operator');
  const readers = requireStaff(ctx, 'operator', 'auditor');

  app.post(
    '/admin/v1/trust-list',
    { schema: { body: TrustAnchorBody }, onRequest: operators },
    async (request, reply) => {
      const body = request.body as Static<typeof TrustAnchorBody>;
      const anchor = await ctx.validation.addTrustAnchor(
        ctx.db,
        certificateBytes(body.certificate),
        staffOf(request).actor,
      );
      reply.code(201);
      return anchorJson(anchor);
    },
  );

  app.get('/admin/v1/trust-list', { onRequest: readers }, async () => {
    const ours = ctx.validation;
    return { anchors: (await ours.listTrustAnchors(ctx.db)).map(anchorJson) };
  });

  app.delete(
    '/admin/v1/trust-list/:fingerprint',
    { schema: { params: FingerprintParams }, onRequest: operators },
    async (request, reply) => {
      const { fingerprint } = request.params as Static<typeof FingerprintParams>;
      await ctx.validation.removeTrustAnchor(ctx.db, fingerprint, staffOf(request).actor);
      reply.code(204);
    },
  );
}
