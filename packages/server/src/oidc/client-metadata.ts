import { createHmac } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import type { ClientRecord } from '../clients/client-service.js';

/** Registration members oidc-provider understands; everything else stays in our ClientRecord. */
const PROVIDER_MEMBERS = [
  'redirect_uris',
  'post_logout_redirect_uris',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg',
  'sector_identifier_uri',
  'jwks',
  'jwks_uri',
  'backchannel_token_delivery_mode',
  'backchannel_client_notification_endpoint',
  'backchannel_authentication_request_signing_alg',
  'backchannel_user_code_parameter',
  'id_token_signed_response_alg',
  'id_token_encrypted_response_alg',
  'id_token_encrypted_response_enc',
  'userinfo_signed_response_alg',
  'userinfo_encrypted_response_alg',
  'userinfo_encrypted_response_enc',
  'request_object_signing_alg',
  'require_pushed_authorization_requests',
  'default_max_age',
  'require_auth_time',
  'default_acr_values',
  'logo_uri',
  'client_uri',
  'policy_uri',
  'tos_uri',
] as const;

/**
 * Our ClientRecord as oidc-provider client metadata. ClientService stores only a keyed hash of
 * the secret, so the provider gets a per-client placeholder instead (ADR 0003): it is never
 * compared (secret checks go to ClientService.authenticate) and never used as a key, because
 * every algorithm that would need the plaintext secret (HS*, client_secret_jwt, symmetric JWE)
 * is disabled.
 */
export function toProviderMetadata(record: ClientRecord, placeholderKey: Buffer): ClientMetadata {
  const metadata: ClientMetadata = { client_id: record.clientId, client_name: record.clientName };
  const source = record.metadata as Record<string, unknown>;
  for (const member of PROVIDER_MEMBERS) {
    if (source[member] !== undefined)
      (metadata as Record<string, unknown>)[member] = source[member];
  }
  metadata.subject_type = 'pairwise';
  metadata.token_endpoint_auth_method ??= 'client_secret_basic';
  if (metadata.grant_types === undefined) {
    metadata.grant_types = ['authorization_code'];
  }
  if (metadata.response_types === undefined) {
    metadata.response_types = metadata.grant_types.includes('authorization_code') ? ['code'] : [];
  }
  metadata.client_secret = createHmac('sha256', placeholderKey)
    .update(record.clientId)
    .digest('base64url');
  return metadata;
}
