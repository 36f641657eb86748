import type { Generated } from 'kysely';

/** Tables owned by verifiers/: the verifier registry of F21. */
export interface VerifierTables {
  verifier_roles: VerifierRoleTable;
  verifier_organisations: VerifierOrganisationTable;
  verifier_devices: VerifierDeviceTable;
}

export interface VerifierRoleTable {
  name: string;
  /** JSON array of ID card claim names the role may ask for. */
  claims: string;
  description: string;
  created_by: string;
  created_at: Generated<Date>;
}

export interface VerifierOrganisationTable {
  id: string;
  name: string;
  created_by: string;
  created_at: Generated<Date>;
}

export interface VerifierDeviceTable {
  id: string;
  organisation_id: string;
  role: string;
  name: string;
  status: 'pending' | 'active' | 'revoked';
  /** Keyed hash of the one-time enrolment code; erased once used. */
  enrolment_hash: Buffer | null;
  enrolment_expires_at: Date | null;
  enrolment_failures: Generated<number>;
  certificate_serial: string | null;
  created_by: string;
  created_at: Generated<Date>;
  enrolled_at: Date | null;
}
