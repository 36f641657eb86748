import type { Generated } from 'kysely';

/** Tables owned by pki/: the CA hierarchy, issued certificates, OCSP responses and CRLs. */
export interface PkiTables {
  ca_certificates: CaCertificateTable;
  certificates: CertificateTable;
  ocsp_responses: OcspResponseTable;
  crls: CrlTable;
  pki_state: PkiStateTable;
}

/** One row per role of the platform's own certificates; a rotated role gets a new generation. */
export interface CaCertificateTable {
  /** 'root' | 'issuing' | 'ocsp' | 'tsa'. */
  role: string;
  generation: number;
  der: Buffer;
  /** stored_keys name of its private key (sealed under the master key). */
  key_name: string;
  not_after: Date;
  created_at: Generated<Date>;
}

export interface CertificateTable {
  /** Lower-case hex of the 16-byte serial number. */
  serial_hex: string;
  purpose: string;
  person_id: string;
  device_id: string;
  /** 'good' | 'suspended' | 'revoked'. */
  status: string;
  der: Buffer;
  not_before: Date;
  not_after: Date;
  /** When it was revoked, or put on hold (certificateHold) while suspended. */
  revoked_at: Date | null;
  revocation_reason: string | null;
  /** Bumped on every status change; an OCSP response records the revision it reflects. */
  revision: number;
  created_at: Generated<Date>;
}

/** Pre-signed OCSP responses (RFC 6960 §2.2 states, SHA-1 CertID, no nonce), one per certificate. */
export interface OcspResponseTable {
  serial_hex: string;
  der: Buffer;
  /** certificates.revision this response reflects: an older one never overwrites a newer one. */
  revision: number;
  this_update: Date;
  next_update: Date;
}

export interface CrlTable {
  /** The CRL number (RFC 5280 §5.2.3). */
  crl_number: number;
  der: Buffer;
  /** pki_state.status_revision the CRL reflects. */
  status_revision: number;
  this_update: Date;
  next_update: Date;
}

/** A single row: the revision of the set of revoked and held certificates (CRL freshness). */
export interface PkiStateTable {
  id: number;
  status_revision: number;
}
