/**
 * Who made a request, as the auth hooks of each adapter decorate it. Declared once here so every
 * module sees the same shape.
 * - staff: admin/staff-auth.ts `requireStaff(ctx, ...roles)` (bearer token of an operator, officer, auditor or call-centre agent)
 * - device: device-api/device-proof.ts `requireDevice(ctx)` (DPoP-style proof of the device key)
 * - client: rp-api/client-auth.ts `requireClient(ctx)` (HTTP Basic client id + secret)
 * - webSession / citizen / developer: web-login/web-auth.ts `requireWebSession(ctx, audience)`,
 *   `requireCitizen(ctx)` (session cookie of the platform's own web apps + CSRF header);
 *   requireStaff also accepts the staff session cookie
 */
import type { ClientRecord } from '../clients/client-service.js';
import type { CertificateRecord } from '../pki/pki-service.js';
import type { Device } from '../registry/registry-service.js';

export type StaffRole = 'operator' | 'officer' | 'auditor' | 'call_centre';

export interface StaffPrincipal {
  id: string;
  role: StaffRole;
  /** 'operator:<id>' etc., for audit entries. */
  actor: string;
}

export interface DevicePrincipal {
  deviceId: string;
  personId: string;
  actor: string;
  /** The device and its certificates as the auth hook read them in this request (no re-read). */
  snapshot?: DeviceSnapshot;
}

export interface DeviceSnapshot {
  device: Device;
  certificates: CertificateRecord[];
}

export interface ClientPrincipal {
  clientId: string;
  actor: string;
  /** The active client record the auth hook read in this request (no re-read). */
  record?: ClientRecord;
}

/** A live session of one of the platform's own web apps (web-login/). */
export interface WebSessionPrincipal {
  audience: 'staff' | 'citizen' | 'developer';
  /** staff id, person id or developer account id. */
  principalId: string;
  expiresAt: Date;
}

/** A citizen logged in to the self-service portal with Mobile ID. */
export interface CitizenPrincipal {
  personId: string;
  /** 'person:<id>', for audit entries (the public log shows a keyed pseudonym). */
  actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffPrincipal;
    webSession?: WebSessionPrincipal;
    citizen?: CitizenPrincipal;
    device?: DevicePrincipal;
    client?: ClientPrincipal;
  }
}
