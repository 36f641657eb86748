import type { Db } from '../db/db.js';

/**
 * Relying-party clients as other modules use them (implemented in clients/). One client
 * authenticates to the RP REST API (HTTP Basic) and to the OIDC endpoints (SPEC §4.5).
 */
export type ClientEnvironment = 'sandbox' | 'production';

/** RFC 7591 / OIDC / CIBA registration metadata plus OpenMID's own members (SPEC §4.5). */
export interface ClientRegistration {
  client_name: string;
  environment: ClientEnvironment;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  subject_type?: 'pairwise';
  sector_identifier_uri?: string;
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  backchannel_token_delivery_mode?: 'poll' | 'ping';
  backchannel_client_notification_endpoint?: string;
  backchannel_user_code_parameter?: boolean;
  id_token_signed_response_alg?: string;
  id_token_encrypted_response_alg?: string;
  id_token_encrypted_response_enc?: string;
  userinfo_encrypted_response_alg?: string;
  userinfo_encrypted_response_enc?: string;
  logo_uri?: string;
  /** Claims this client may ever receive (F14, F25); a request outside them is refused. */
  allowed_claims?: string[];
  [member: string]: unknown;
}

export interface ClientRecord {
  clientId: string;
  clientName: string;
  environment: ClientEnvironment;
  status: 'active' | 'disabled';
  /** The registration as stored (never the secret). */
  metadata: ClientRegistration;
  allowedClaims: string[];
  /** The sector of pairwise subjects (DESIGN §4): the host of jwks_uri / redirect URIs, else the client id. */
  sector: string;
  createdAt: Date;
}

export interface RegisteredClient {
  client: ClientRecord;
  /** Shown once; only its keyed hash is stored. */
  clientSecret: string;
}

export interface ClientService {
  /** Validates the metadata by the OIDC/CIBA rules; AppError('invalid_request') explains what is wrong. */
  register(db: Db, registration: ClientRegistration, actor: string): Promise<RegisteredClient>;
  get(db: Db, clientId: string): Promise<ClientRecord | undefined>;
  /** Constant-time secret check; undefined when the id is unknown, disabled or the secret wrong. */
  authenticate(db: Db, clientId: string, secret: string): Promise<ClientRecord | undefined>;
  /** The pairwise subject of a person for this client's sector: the same in REST and OIDC. */
  pairwiseSubject(client: ClientRecord, personId: string): string;
}
