import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  calculateJwkThumbprint,
  EmbeddedJWK,
  type JWK,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { DevicePrincipal } from '../http/request-auth.js';
import type { CertificateRecord } from '../pki/pki-service.js';
import { insertProofJti } from './proof-jti-store.js';

/**
 * Device proofs (DESIGN §4, packages/protocol/src/device-api.ts): a compact JWS in the `DPoP`
 * header, typ `dpop+jwt`, ES256, the device public key as `jwk` in the protected header, claims
 * `htm`, `htu`, `iat`, `jti` (RFC 9449 shape). `htu` is PUBLIC_URL + the request path (no query).
 */
export interface VerifiedProof {
  jwk: JWK;
  /** RFC 7638 thumbprint (SHA-256, base64url) of the device key. */
  thumbprint: string;
  jti: string;
  iat: number;
}

const MAX_PROOF_LENGTH = 4096;

function invalidProof(detail: string, cause?: unknown): AppError {
  return new AppError('invalid_device_proof', detail, {
    cause,
    headers: { 'www-authenticate': 'DPoP algs="ES256", error="invalid_dpop_proof"' },
  });
}

/** The URL a proof for this request must name in `htu`. */
export function expectedHtu(ctx: AppContext, request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '/';
  return `${ctx.config.publicUrl}${path}`;
}

/**
 * Verify the request's device proof: signature by the embedded P-256 key, typ, method and URL,
 * a fresh iat (± DEVICE_PROOF_MAX_AGE_SECONDS). The jti is checked by rememberProof.
 */
export async function verifyDeviceProof(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<VerifiedProof> {
  const header = request.headers.dpop;
  if (header === undefined) throw invalidProof('a DPoP device proof header is required');
  if (typeof header !== 'string' || header.length > MAX_PROOF_LENGTH) {
    throw invalidProof('exactly one DPoP header of at most 4096 characters');
  }
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(header, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
      currentDate: ctx.clock.now(),
    });
  } catch (error) {
    const reason =
      error instanceof joseErrors.JOSEError ? error.message : 'it is not a compact JWS';
    throw invalidProof(`the device proof does not verify: ${reason}`, error);
  }
  const jwk = verified.protectedHeader.jwk as JWK | undefined;
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    throw invalidProof('the device key must be an EC P-256 public key');
  }
  const { htm, htu, iat, jti } = verified.payload as Record<string, unknown>;
  if (htm !== request.method) throw invalidProof(`htm must be ${request.method}`);
  const want = expectedHtu(ctx, request);
  if (htu !== want) throw invalidProof(`htu must be ${want}`);
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 128) {
    throw invalidProof('jti must be a string of 8 to 128 characters');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidProof('iat is required');
  const maxAge = ctx.config.deviceApi.proofMaxAgeSeconds;
  const now = ctx.clock.now().getTime() / 1000;
  if (Math.abs(now - iat) > maxAge) {
    throw invalidProof(
      `the proof is not fresh: iat must be within ${maxAge} s of the server clock`,
    );
  }
  const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
  return { jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK, thumbprint, jti, iat };
}

/**
 * Record a verified proof's jti; refuse it when this key used it before (a replay, on any node).
 * Kept as long as a proof with that iat could still pass the freshness check.
 */
export async function rememberProof(ctx: AppContext, proof: VerifiedProof): Promise<void> {
  const maxAge = ctx.config.deviceApi.proofMaxAgeSeconds;
  const now = ctx.clock.now().getTime() / 1000;
  const fresh = await insertProofJti(ctx.db, {
    keyThumbprint: proof.thumbprint,
    jti: proof.jti,
    expiresAt: new Date((Math.max(now, proof.iat) + maxAge + 1) * 1000),
  });
  if (!fresh) throw invalidProof('this device proof was already used (jti replay)');
}

export type DevicePreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Fastify preHandler for the device API: verifies the device proof of every call (see
 * verifyDeviceProof), finds the device by its key, and refuses it unless it is active and its
 * certificates are good, at once after a suspension or revocation. Decorates `request.device`.
 * `allow` lets a route serve a suspended or revoked device too (its own status page).
 */
export function requireDevice(
  ctx: AppContext,
  options: { allow?: readonly ('suspended' | 'revoked')[] } = {},
): DevicePreHandler {
  const allow = new Set<string>(options.allow ?? []);
  return async (request) => {
    const proof = await verifyDeviceProof(ctx, request);
    const device = await ctx.registry.findDeviceByKey(ctx.db, proof.thumbprint);
    if (!device) throw invalidProof('no device is registered with this key');
    await rememberProof(ctx, proof);
    if (device.status !== 'active' && !allow.has(device.status)) {
      throw new AppError('forbidden', `the device is ${device.status}`);
    }
    let certificates: CertificateRecord[] | undefined;
    if (device.status === 'active') {
      const serials = [device.authCertSerial, device.signCertSerial];
      certificates = await ctx.pki.listCertificatesOfDevice(ctx.db, device.id);
      const bad = certificates.find((c) => serials.includes(c.serialHex) && c.status !== 'good');
      if (bad && !allow.has(bad.status === 'revoked' ? 'revoked' : 'suspended')) {
        throw new AppError('forbidden', `the device's ${bad.purpose} certificate is ${bad.status}`);
      }
    }
    const principal: DevicePrincipal = {
      deviceId: device.id,
      personId: device.personId,
      actor: `device:${device.id}`,
      ...(certificates ? { snapshot: { device, certificates } } : {}),
    };
    request.device = principal;
  };
}

/** The authenticated device of a route behind requireDevice. */
export function deviceOf(request: FastifyRequest): DevicePrincipal {
  if (!request.device) throw invalidProof('no authenticated device');
  return request.device;
}
