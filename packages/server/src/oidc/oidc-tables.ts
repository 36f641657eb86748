import type { Generated } from 'kysely';

/** Tables owned by oidc/ (migration 0009-oidc). */
export interface OidcTables {
  /** oidc-provider's artifacts (codes, tokens, sessions, grants, interactions, CIBA requests). */
  oidc_payloads: OidcPayloadTable;
  /** ID-token and userinfo signing keys; the private half sealed under the master key. */
  oidc_signing_keys: OidcSigningKeyTable;
  /** The Mobile ID session behind a log-in page (one per interaction) or a CIBA request. */
  oidc_mid_sessions: OidcMidSessionTable;
}

export interface OidcPayloadTable {
  model: string;
  id: string;
  /** The artifact as oidc-provider gives it, JSON. */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: Date | null;
  consumed_at: Date | null;
}

export interface OidcSigningKeyTable {
  kid: string;
  alg: string;
  /** AES-256-GCM envelope of the private JWK (keys/key-vault.ts). */
  sealed: string;
  /** The public JWK, JSON. */
  public_jwk: string;
  created_at: Generated<Date>;
}

export interface OidcMidSessionTable {
  /** 'interaction:<uid>' or 'ciba:<auth_req_id>'. */
  ref: string;
  session_id: string;
  client_id: string;
  /** Claims asked of the citizen on the phone. */
  claims: string;
  /** Sealed QR start secret (QR flow only). */
  qr_secret: string | null;
  qr_token: string | null;
  created_at: Generated<Date>;
  /** Set once the outcome was turned into an OIDC result (exactly once, across nodes). */
  resolved_at: Date | null;
  /** CIBA: last token-endpoint poll, for slow_down. */
  polled_at: Date | null;
}
