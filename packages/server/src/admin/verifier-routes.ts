import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import type { App } from '../http/types.js';
import type { VerifierDeviceInfo } from '../verifiers/verifier-service.js';
import { Uuid } from './admin-schemas.js';
import { requireStaff, staffOf } from './staff-auth.js';

const Strict = { additionalProperties: false } as const;
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

const deviceJson = (d: VerifierDeviceInfo) => ({
  verifierDeviceId: d.id,
  organisationId: d.organisationId,
  role: d.role,
  name: d.name,
  status: d.status,
  certificateSerial: d.certificateSerial,
  createdAt: d.createdAt.toISOString(),
  enrolledAt: d.enrolledAt?.toISOString() ?? null,
});

/**
 * The verifier registry for operators (F21, F27; docs/admin-api.md): roles and their claim sets,
 * verifier organisations, enrolment codes for verifier devices, revocation. Auditors may read.
 */
export async function registerVerifierAdminRoutes(app: App, ctx: AppContext): Promise<void> {
  const operators = requireStaff(ctx, 'operator');
  const readers = requireStaff(ctx, 'operator', 'auditor');

  app.get('/admin/v1/verifier-roles', { onRequest: readers }, async () => ({
    roles: await ctx.verifiers.listRoles(ctx.db),
  }));

  app.post(
    '/admin/v1/verifier-roles',
    {
      onRequest: operators,
      schema: {
        body: Type.Object(
          {
            name: Text(32),
            claims: Type.Array(Text(32), { minItems: 1, maxItems: 16 }),
            description: Type.Optional(Type.String({ maxLength: 200 })),
          },
          Strict,
        ),
      },
    },
    async (request, reply) => {
      const role = await ctx.verifiers.defineRole(
        ctx.db,
        {
          name: request.body.name,
          claims: request.body.claims,
          description: request.body.description ?? '',
        },
        staffOf(request).actor,
      );
      return reply.code(201).send(role);
    },
  );

  app.get('/admin/v1/verifier-organisations', { onRequest: readers }, async () => ({
    organisations: (await ctx.verifiers.listOrganisations(ctx.db)).map((o) => ({
      organisationId: o.id,
      name: o.name,
      createdAt: o.createdAt.toISOString(),
      devices: o.devices.map(deviceJson),
    })),
  }));

  app.post(
    '/admin/v1/verifier-organisations',
    { onRequest: operators, schema: { body: Type.Object({ name: Text(128) }, Strict) } },
    async (request, reply) => {
      const o = await ctx.verifiers.registerOrganisation(
        ctx.db,
        request.body.name,
        staffOf(request).actor,
      );
      return reply
        .code(201)
        .send({ organisationId: o.id, name: o.name, createdAt: o.createdAt.toISOString() });
    },
  );

  app.post(
    '/admin/v1/verifier-organisations/:organisationId/devices',
    {
      onRequest: operators,
      schema: {
        params: Type.Object({ organisationId: Uuid }, Strict),
        body: Type.Object({ role: Text(32), name: Text(64) }, Strict),
      },
    },
    async (request, reply) => {
      const issued = await ctx.verifiers.createEnrolment(
        ctx.db,
        request.params.organisationId.toLowerCase(),
        request.body,
        staffOf(request).actor,
      );
      reply.code(201).header('cache-control', 'no-store');
      return {
        ...deviceJson(issued.device),
        enrolmentCode: issued.enrolmentCode,
        expiresAt: issued.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/admin/v1/verifier-devices/:verifierDeviceId/revoke',
    {
      onRequest: operators,
      schema: {
        params: Type.Object(
          { verifierDeviceId: Type.String({ pattern: '^[0-9A-Z]{8}$' }) },
          Strict,
        ),
      },
    },
    async (request) =>
      deviceJson(
        await ctx.verifiers.revokeDevice(
          ctx.db,
          request.params.verifierDeviceId,
          staffOf(request).actor,
        ),
      ),
  );

  app.post('/admin/v1/credentials/issuer-keys', { onRequest: operators }, async (request, reply) =>
    reply
      .code(201)
      .send({ kid: await ctx.credentials.rotateIssuerKey(ctx.db, staffOf(request).actor) }),
  );
}
