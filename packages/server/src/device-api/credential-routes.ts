import type { CredentialResponse } from '@openmid/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import type { IssuedCredential } from '../credentials/credential-service.js';
import type { App } from '../http/types.js';
import { deviceOf, requireDevice } from './device-proof.js';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** POST /device/v1/presentations (protocol PresentationReport). */
const PresentationBody = Type.Object(
  {
    organisation: Text(128),
    role: Text(64),
    claims: Type.Array(Text(32), { minItems: 1, maxItems: 16, uniqueItems: true }),
    verifier: Type.Optional(Text(128)),
    certificateSerial: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{2,64}$' })),
  },
  { additionalProperties: false },
);

export function credentialJson(issued: IssuedCredential): CredentialResponse {
  return {
    credential: issued.credential,
    issuedAt: issued.issuedAt.toISOString(),
    expiresAt: issued.expiresAt.toISOString(),
    status: issued.statusList,
  };
}

/** The ID card on the phone (F20) and its presentation log (F22): docs/id-card.md. */
export async function registerCredentialDeviceRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/device/v1/credential',
    { preHandler: requireDevice(ctx) },
    async (request, reply): Promise<CredentialResponse> => {
      const issued = await ctx.credentials.currentForDevice(ctx.db, deviceOf(request).deviceId);
      reply.header('cache-control', 'no-store');
      return credentialJson(issued);
    },
  );

  app.post(
    '/device/v1/presentations',
    {
      schema: { body: PresentationBody },
      preHandler: requireDevice(ctx),
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const body = request.body;
      await ctx.credentials.recordPresentation(ctx.db, deviceOf(request), {
        organisation: body.organisation.normalize('NFC'),
        role: body.role,
        claims: body.claims,
        verifier: body.verifier,
        certificateSerial: body.certificateSerial?.toLowerCase(),
      });
      return reply.code(204).send();
    },
  );
}
