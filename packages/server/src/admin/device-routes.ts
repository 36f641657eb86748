import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import type { CertificateRecord } from '../pki/pki-service.js';
import { DeviceParams, RevokeBody, SerialParams } from './admin-schemas.js';
import { deviceJson } from './person-routes.js';
import { requireStaff, staffOf } from './staff-auth.js';

const certificateJson = (c: CertificateRecord) => ({
  serialHex: c.serialHex,
  purpose: c.purpose,
  personId: c.personId,
  deviceId: c.deviceId,
  status: c.status,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
  revokedAt: c.revokedAt?.toISOString() ?? null,
  revocationReason: c.revocationReason,
  certificate: Buffer.from(c.der).toString('base64'),
});

/** Device and certificate lifecycle for staff (SPEC §4.5, F5; docs/admin-api.md). */
export async function registerDeviceAdminRoutes(app: App, ctx: AppContext): Promise<void> {
  const writers = requireStaff(ctx, 'operator', 'officer');
  const readers = requireStaff(ctx, 'operator', 'officer', 'auditor');

  app.get(
    '/admin/v1/devices/:deviceId',
    { schema: { params: DeviceParams }, onRequest: readers },
    async (request) => {
      const device = await ctx.registry.getDevice(ctx.db, request.params.deviceId.toLowerCase());
      if (!device) throw new AppError('not_found', 'no such device');
      await ctx.audit.append(ctx.db, {
        type: 'device.viewed',
        actor: staffOf(request).actor,
        personId: device.personId,
        data: { deviceId: device.id },
      });
      const certificates = await ctx.pki.listCertificatesOfDevice(ctx.db, device.id);
      return { ...deviceJson(device), certificates: certificates.map(certificateJson) };
    },
  );

  for (const action of ['suspend', 'resume', 'revoke'] as const) {
    app.post(
      `/admin/v1/devices/:deviceId/${action}`,
      { schema: { params: DeviceParams }, onRequest: writers },
      async (request) => {
        const body = (request.body ?? {}) as { reason?: unknown };
        const reason = action === 'revoke' ? revocationReason(body.reason) : undefined;
        const device = await ctx.activation.changeDeviceStatus(
          ctx.db,
          request.params.deviceId.toLowerCase(),
          action,
          staffOf(request).actor,
          reason,
        );
        return deviceJson(device);
      },
    );
  }

  app.get(
    '/admin/v1/certificates/:serialHex',
    { schema: { params: SerialParams }, onRequest: readers },
    async (request) => {
      const cert = await findCertificate(ctx, request.params.serialHex);
      await ctx.audit.append(ctx.db, {
        type: 'certificate.viewed',
        actor: staffOf(request).actor,
        personId: cert.personId,
        data: { serialHex: cert.serialHex },
      });
      return certificateJson(cert);
    },
  );

  app.post(
    '/admin/v1/certificates/:serialHex/revoke',
    { schema: { params: SerialParams, body: RevokeBody }, onRequest: writers },
    async (request) => {
      const cert = await findCertificate(ctx, request.params.serialHex);
      const reason = request.body.reason ?? 'unspecified';
      const revoked = await ctx.db
        .transaction()
        .execute((trx) => ctx.pki.revoke(trx, cert.serialHex, reason, staffOf(request).actor));
      return certificateJson(revoked);
    },
  );

  for (const action of ['suspend', 'resume'] as const) {
    app.post(
      `/admin/v1/certificates/:serialHex/${action}`,
      { schema: { params: SerialParams }, onRequest: writers },
      async (request) => {
        const cert = await findCertificate(ctx, request.params.serialHex);
        const actor = staffOf(request).actor;
        const changed = await ctx.db
          .transaction()
          .execute((trx) =>
            action === 'suspend'
              ? ctx.pki.suspend(trx, cert.serialHex, actor)
              : ctx.pki.resume(trx, cert.serialHex, actor),
          );
        return certificateJson(changed);
      },
    );
  }
}

const REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;

function revocationReason(value: unknown): (typeof REASONS)[number] {
  if (value === undefined) return 'unspecified';
  if (typeof value === 'string' && (REASONS as readonly string[]).includes(value)) {
    return value as (typeof REASONS)[number];
  }
  throw new AppError('invalid_request', `reason must be one of ${REASONS.join(', ')}`);
}

async function findCertificate(ctx: AppContext, serialHex: string): Promise<CertificateRecord> {
  const cert = await ctx.pki.findCertificate(ctx.db, serialHex.toLowerCase());
  if (!cert) throw new AppError('certificate_not_found', `no certificate with serial ${serialHex}`);
  return cert;
}
