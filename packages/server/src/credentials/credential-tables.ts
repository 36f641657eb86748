import type { Generated } from 'kysely';

/** Tables owned by credentials/: the ID card (F20), its issuer keys and its status list. */
export interface CredentialTables {
  credential_issuer_keys: CredentialIssuerKeyTable;
  credentials: CredentialTable;
  credential_state: CredentialStateTable;
}

/** ES256 issuer keys; the newest unretired generation signs, every unretired one is published. */
export interface CredentialIssuerKeyTable {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  generation: number;
  public_jwk: string;
  /** PKCS#8 sealed under the master key (label credentials/issuer-key/<kid>). */
  sealed: string;
  created_at: Generated<Date>;
  retired_at: Date | null;
}

export interface CredentialTable {
  id: string;
  person_id: string;
  device_id: string;
  /** Index in the token status list (draft-ietf-oauth-status-list), from a sequence. */
  status_index: number;
  /** 0 valid, 1 invalid (revoked or superseded), 2 suspended. */
  status: number;
  /** SHA-256 of the claims and holder key it was issued with: a change triggers re-issue. */
  claims_digest: string;
  kid: string;
  /** The SD-JWT VC as issued, sealed (label credentials/credential/<id>): it holds personal data. */
  sealed: string;
  issued_at: Date;
  expires_at: Date;
  superseded_at: Date | null;
}

export interface CredentialStateTable {
  id: number;
  /** Bumped by every status change: a node re-signs its cached status list when it moved. */
  status_revision: number;
}
