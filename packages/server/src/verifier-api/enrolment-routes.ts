import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';

const EnrolmentBody = Type.Object(
  {
    enrolmentCode: Type.String({ minLength: 1, maxLength: 64 }),
    /** PKCS#10 (base64 DER) of the verifier device's EC P-256 key. */
    csr: Type.String({ minLength: 4, maxLength: 11_000, pattern: '^[A-Za-z0-9+/_-]+={0,2}$' }),
  },
  { additionalProperties: false },
);

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A verifier device enrols with its one-time code (F21; docs/id-card.md). */
export async function registerVerifierEnrolmentRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    '/verifiers/v1/enrolments',
    { schema: { body: EnrolmentBody }, config: { rateLimit: { max: 30, timeWindow: 60_000 } } },
    async (request, reply) => {
      const csr = Buffer.from(
        request.body.csr,
        /[-_]/.test(request.body.csr) ? 'base64url' : 'base64',
      );
      if (csr.length === 0) throw new AppError('invalid_encoding', 'csr is not base64');
      const enrolment = await ctx.verifiers.enrol(ctx.db, {
        enrolmentCode: request.body.enrolmentCode,
        csrDer: new Uint8Array(csr),
        source: request.ip,
      });
      const ca = ctx.pki.caCertificates();
      reply.code(201).header('cache-control', 'no-store');
      return {
        verifierDeviceId: enrolment.device.id,
        organisation: enrolment.organisation,
        role: enrolment.device.role,
        claims: enrolment.claims,
        name: enrolment.device.name,
        certificate: b64(enrolment.certificate),
        caChain: [b64(ca.issuing), b64(ca.root)],
      };
    },
  );
}
