import type { ActivationResponse, DeviceKeyPurpose, DeviceStatusResponse } from '@openmid/protocol';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import { credentialJson } from './credential-routes.js';
import { deviceOf, rememberProof, requireDevice, verifyDeviceProof } from './device-proof.js';
import { ActivationBody, DeviceEventBody } from './device-schemas.js';
import { deleteExpiredProofJtis } from './proof-jti-store.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function decodeBase64(field: string, value: string): Uint8Array {
  const bytes = Buffer.from(value, /[-_]/.test(value) ? 'base64url' : 'base64');
  if (bytes.length === 0) throw new AppError('invalid_encoding', `${field} is not base64`);
  return new Uint8Array(bytes);
}

/** The device API (`/device/v1`): activation, status and events (protocol/src/device-api.ts). */
export async function registerDeviceRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    '/device/v1/activations',
    { schema: { body: ActivationBody } },
    async (request, reply): Promise<ActivationResponse> => {
      const proof = await verifyDeviceProof(ctx, request);
      await rememberProof(ctx, proof);
      const body = request.body;
      const result = await ctx.activation.activate(ctx.db, {
        activationCode: body.activationCode,
        authCsrDer: decodeBase64('authCsr', body.authCsr),
        signCsrDer: decodeBase64('signCsr', body.signCsr),
        deviceName: body.deviceName?.normalize('NFC').trim() || null,
        deviceKey: { jwk: proof.jwk as Record<string, unknown>, thumbprint: proof.thumbprint },
        source: request.ip,
      });
      const ca = ctx.pki.caCertificates();
      // The digital ID card (F20) comes with the activation (after its commit).
      const credential = await ctx.credentials.currentForDevice(ctx.db, result.device.id);
      reply.code(201).header('cache-control', 'no-store');
      return {
        deviceId: result.device.id,
        person: {
          nationalId: result.person.nationalId,
          givenName: result.person.givenName,
          familyName: result.person.familyName,
        },
        authCertificate: b64(result.authCertificate.der),
        signCertificate: b64(result.signCertificate.der),
        caChain: [b64(ca.issuing), b64(ca.root)],
        puk: result.puk,
        credential: credentialJson(credential),
      };
    },
  );

  app.get(
    '/device/v1/status',
    { preHandler: requireDevice(ctx, { allow: ['suspended', 'revoked'] }) },
    async (request): Promise<DeviceStatusResponse> => {
      const { deviceId } = deviceOf(request);
      const device = await ctx.registry.getDevice(ctx.db, deviceId);
      if (!device) throw new AppError('not_found', 'the device is gone');
      const certificates = await ctx.pki.listCertificatesOfDevice(ctx.db, deviceId);
      const current = [device.authCertSerial, device.signCertSerial];
      return {
        deviceId,
        status: device.status,
        certificates: certificates
          .filter((c) => current.includes(c.serialHex))
          .map((c) => ({
            purpose: c.purpose as DeviceKeyPurpose,
            serialHex: c.serialHex,
            status: c.status,
            certificate: b64(c.der),
          })),
      };
    },
  );

  app.post(
    '/device/v1/events',
    { schema: { body: DeviceEventBody }, preHandler: requireDevice(ctx) },
    async (request, reply) => {
      await ctx.activation.recordDeviceEvent(ctx.db, deviceOf(request), request.body);
      return reply.code(204).send();
    },
  );

  // Forget jti values that can no longer pass the freshness check.
  const sweep = setInterval(() => {
    deleteExpiredProofJtis(ctx.db, ctx.clock.now()).catch((err: unknown) =>
      app.log.warn({ err }, 'device proof jti sweep failed'),
    );
  }, 60_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
}
