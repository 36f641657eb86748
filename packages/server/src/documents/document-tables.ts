import type { Generated } from 'kysely';

/** Tables owned by documents/. */
export interface DocumentTables {
  documents: DocumentTable;
  trust_anchors: TrustAnchorTable;
}

export interface DocumentTable {
  id: string;
  client_id: string;
  session_id: string;
  name: string;
  format: string;
  level: string;
  /** 'pending' → 'signed' | 'failed'. */
  status: string;
  size_bytes: number;
  /** PAdES: the PDF with its signature dictionary, /Contents empty. Null for CAdES. */
  prepared: Buffer | null;
  /** PAdES: JSON [a, b, c, d]. */
  byte_range: string | null;
  signed_attributes: Buffer;
  /** The signing certificate bound into the signed attributes (null when none was found). */
  signer_certificate: Buffer | null;
  signed_document: Buffer | null;
  error: string | null;
  created_at: Generated<Date>;
  completed_at: Date | null;
  /** Deleted after this time; null when the RP keeps it. */
  expires_at: Date | null;
}

export interface TrustAnchorTable {
  /** SHA-256 of the DER certificate, hex. */
  fingerprint: string;
  subject: string;
  certificate: Buffer;
  added_by: string;
  created_at: Generated<Date>;
}
