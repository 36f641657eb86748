/**
 * Who made a request, as the auth hooks of each adapter decorate it. Declared once here so every
 * module sees the same shape.
 * - staff: admin/staff-auth.ts `requireStaff(ctx, ...roles)` (bearer token of an operator, officer, auditor or call-centre agent)
 * - device: device-api/device-proof.ts `requireDevice(ctx)` (DPoP-style proof of the device key)
 * - client: rp-api/client-auth.ts `requireClient(ctx)` (HTTP Basic client id + secret)
 */
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
}

export interface ClientPrincipal {
  clientId: string;
  actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffPrincipal;
    device?: DevicePrincipal;
    client?: ClientPrincipal;
  }
}
