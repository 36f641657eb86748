import { isReleasableClaim } from '@openmid/protocol';
import { AppError } from '../errors.js';
import type { ClientRegistration } from './client-service.js';
import { hostOf, isNonPublicHost } from './url-policy.js';

export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', CIBA_GRANT]);
const RESPONSE_TYPES = new Set(['code']);
const AUTH_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
const SIGNING_ALGS = new Set([
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'EdDSA',
]);
const KEY_MANAGEMENT_ALGS = new Set([
  'RSA-OAEP',
  'RSA-OAEP-256',
  'ECDH-ES',
  'ECDH-ES+A128KW',
  'ECDH-ES+A192KW',
  'ECDH-ES+A256KW',
]);
const CONTENT_ENCRYPTION_ALGS = new Set([
  'A128GCM',
  'A192GCM',
  'A256GCM',
  'A128CBC-HS256',
  'A192CBC-HS384',
  'A256CBC-HS512',
]);
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Optional metadata members stored as given after a type check (RFC 7591, OIDC Registration). */
const PASSTHROUGH_STRINGS = [
  'client_uri',
  'policy_uri',
  'tos_uri',
  'userinfo_signed_response_alg',
  'request_object_signing_alg',
  'token_endpoint_auth_signing_alg',
  'backchannel_authentication_request_signing_alg',
  'software_id',
  'software_version',
];
const PASSTHROUGH_STRING_ARRAYS = ['contacts', 'request_uris', 'default_acr_values'];
const PASSTHROUGH_BOOLEANS = ['require_auth_time', 'require_pushed_authorization_requests'];
const PASSTHROUGH_NUMBERS = ['default_max_age'];

export interface ValidatedRegistration {
  registration: ClientRegistration;
  allowedClaims: string[];
  sector: string;
}

class Problems {
  readonly list: string[] = [];
  add(problem: string): void {
    this.list.push(problem);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

interface UrlRules {
  production: boolean;
  /** Redirect URIs may use custom schemes (native apps) in the sandbox only. */
  allowFragment?: boolean;
}

function checkUrl(name: string, raw: string, rules: UrlRules, problems: Problems): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.add(`${name} is not an absolute URL: ${JSON.stringify(raw)}`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.add(`${name} must be an http(s) URL`);
    return undefined;
  }
  if (!rules.allowFragment && url.hash) problems.add(`${name} must not have a fragment`);
  if (url.username || url.password) problems.add(`${name} must not carry credentials`);
  if (rules.production) {
    if (url.protocol !== 'https:') problems.add(`${name} must be https for a production client`);
    if (isNonPublicHost(url.hostname)) {
      problems.add(
        `${name} must not point at localhost, a loopback or a private address for a production client`,
      );
    }
  }
  return url;
}

/**
 * Validate a client registration by the rules of RFC 7591, OpenID Connect Dynamic Client
 * Registration and CIBA Core, plus OpenMID's (SPEC §4.5): every problem is reported at once in
 * one AppError('invalid_request'). Every client is pairwise (F25); the sector is computed as
 * OIDC Core §8.1 and CIBA Core §4 define it.
 */
export function validateRegistration(input: unknown, clientId: string): ValidatedRegistration {
  if (!isObject(input))
    throw new AppError('invalid_request', 'the registration must be a JSON object');
  const p = new Problems();
  const out: Record<string, unknown> = {};

  const clientName = input.client_name;
  if (typeof clientName !== 'string' || clientName.trim() === '' || clientName.length > 200) {
    p.add('client_name is required: a non-empty string of at most 200 characters');
  }
  const environment = input.environment;
  if (environment !== 'sandbox' && environment !== 'production') {
    p.add('environment must be "sandbox" or "production"');
  }
  const production = environment === 'production';
  const rules: UrlRules = { production };

  const urlList = (name: string, required: boolean): URL[] => {
    const v = input[name];
    if (v === undefined) {
      if (required) p.add(`${name} is required`);
      return [];
    }
    if (!isStringArray(v) || v.length > 20) {
      p.add(`${name} must be an array of at most 20 URLs`);
      return [];
    }
    const urls = v.map((u) => checkUrl(name, u, rules, p)).filter((u): u is URL => !!u);
    out[name] = [...v];
    return urls;
  };
  const oneUrl = (name: string): URL | undefined => {
    const v = input[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      p.add(`${name} must be a URL string`);
      return undefined;
    }
    const url = checkUrl(name, v, rules, p);
    if (url) out[name] = v;
    return url;
  };

  // Grant and response types (RFC 7591 §2.1 consistency).
  let grantTypes: string[];
  if (input.grant_types === undefined) {
    grantTypes = input.redirect_uris !== undefined ? ['authorization_code'] : [];
  } else if (!isStringArray(input.grant_types)) {
    p.add('grant_types must be an array of strings');
    grantTypes = [];
  } else {
    grantTypes = [...new Set(input.grant_types)];
    for (const g of grantTypes) {
      if (!GRANT_TYPES.has(g)) p.add(`grant_types: ${JSON.stringify(g)} is not supported`);
    }
  }
  out.grant_types = grantTypes;
  const codeFlow = grantTypes.includes('authorization_code');
  const ciba = grantTypes.includes(CIBA_GRANT);
  if (grantTypes.includes('refresh_token') && !codeFlow && !ciba) {
    p.add('grant_types: refresh_token needs authorization_code or CIBA');
  }

  let responseTypes: string[] = codeFlow ? ['code'] : [];
  if (input.response_types !== undefined) {
    if (!isStringArray(input.response_types)) p.add('response_types must be an array of strings');
    else {
      responseTypes = [...new Set(input.response_types)];
      for (const r of responseTypes) {
        if (!RESPONSE_TYPES.has(r)) p.add(`response_types: ${JSON.stringify(r)} is not supported`);
      }
      if (responseTypes.includes('code') && !codeFlow) {
        p.add('response_types "code" needs the authorization_code grant type');
      }
    }
  }
  out.response_types = responseTypes;

  const redirectUris = urlList('redirect_uris', codeFlow);
  if (codeFlow && redirectUris.length === 0 && input.redirect_uris !== undefined) {
    p.add('redirect_uris must name at least one URI for the authorization_code grant');
  }
  urlList('post_logout_redirect_uris', false);

  // Client authentication and keys.
  const authMethod = input.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof authMethod !== 'string' || !AUTH_METHODS.has(authMethod)) {
    p.add(`token_endpoint_auth_method must be one of ${[...AUTH_METHODS].join(', ')}`);
  }
  out.token_endpoint_auth_method = authMethod;

  const jwksUri = oneUrl('jwks_uri');
  if (input.jwks !== undefined) {
    const jwks = input.jwks;
    if (
      !isObject(jwks) ||
      !Array.isArray(jwks.keys) ||
      jwks.keys.length === 0 ||
      jwks.keys.length > 20
    ) {
      p.add('jwks must be a JWK Set with 1 to 20 keys');
    } else {
      jwks.keys.forEach((key, i) => {
        if (!isObject(key) || typeof key.kty !== 'string') {
          p.add(`jwks.keys[${i}] is not a JWK`);
        } else if (PRIVATE_JWK_MEMBERS.some((m) => m in key)) {
          p.add(
            `jwks.keys[${i}] carries private or symmetric key material; register public keys only`,
          );
        } else if (!['EC', 'RSA', 'OKP'].includes(key.kty)) {
          p.add(`jwks.keys[${i}].kty must be EC, RSA or OKP`);
        }
      });
      out.jwks = { keys: jwks.keys.map((k) => ({ ...(k as Record<string, unknown>) })) };
    }
    if (input.jwks_uri !== undefined) p.add('jwks and jwks_uri are mutually exclusive');
  }
  const hasKeys = input.jwks !== undefined || input.jwks_uri !== undefined;
  if (authMethod === 'private_key_jwt' && !hasKeys) {
    p.add('token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri');
  }

  // Subject type: always pairwise (F25).
  if (input.subject_type !== undefined && input.subject_type !== 'pairwise') {
    p.add('subject_type must be "pairwise": OpenMID gives each client its own subject identifiers');
  }
  out.subject_type = 'pairwise';
  const sectorUri = oneUrl('sector_identifier_uri');
  if (sectorUri && sectorUri.protocol !== 'https:' && production) {
    p.add('sector_identifier_uri must be https');
  }

  // CIBA (CIBA Core §4).
  if (ciba) {
    const mode = input.backchannel_token_delivery_mode;
    if (mode !== 'poll' && mode !== 'ping') {
      p.add('backchannel_token_delivery_mode must be "poll" or "ping" for a CIBA client');
    } else out.backchannel_token_delivery_mode = mode;
    const endpoint = oneUrl('backchannel_client_notification_endpoint');
    if (mode === 'ping' && !endpoint) {
      p.add('backchannel_client_notification_endpoint is required for the ping delivery mode');
    }
    if (!jwksUri && !sectorUri && redirectUris.length === 0) {
      p.add(
        "a pairwise CIBA client must register jwks_uri (its host is the client's sector, CIBA Core §4)",
      );
    }
    if (input.backchannel_user_code_parameter !== undefined) {
      if (typeof input.backchannel_user_code_parameter !== 'boolean') {
        p.add('backchannel_user_code_parameter must be a boolean');
      } else out.backchannel_user_code_parameter = input.backchannel_user_code_parameter;
    }
  } else {
    for (const m of [
      'backchannel_token_delivery_mode',
      'backchannel_client_notification_endpoint',
      'backchannel_user_code_parameter',
    ]) {
      if (input[m] !== undefined) p.add(`${m} needs the ${CIBA_GRANT} grant type`);
    }
  }

  // Token signing and encryption algorithms (OIDC Registration §2).
  const alg = (name: string, allowed: Set<string>): string | undefined => {
    const v = input[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !allowed.has(v)) {
      p.add(`${name} must be one of ${[...allowed].join(', ')}`);
      return undefined;
    }
    out[name] = v;
    return v;
  };
  alg('id_token_signed_response_alg', SIGNING_ALGS);
  for (const what of ['id_token', 'userinfo'] as const) {
    const a = alg(`${what}_encrypted_response_alg`, KEY_MANAGEMENT_ALGS);
    const e = alg(`${what}_encrypted_response_enc`, CONTENT_ENCRYPTION_ALGS);
    if (e && !a) p.add(`${what}_encrypted_response_enc needs ${what}_encrypted_response_alg`);
    if (a && !e) out[`${what}_encrypted_response_enc`] = 'A128CBC-HS256';
    if (a && !hasKeys) p.add(`${what}_encrypted_response_alg needs the client's jwks or jwks_uri`);
  }

  oneUrl('logo_uri');

  // Claims the client may receive (F14, F25).
  let allowedClaims: string[] = [];
  if (input.allowed_claims !== undefined) {
    if (!isStringArray(input.allowed_claims))
      p.add('allowed_claims must be an array of claim names');
    else {
      allowedClaims = [...new Set(input.allowed_claims)];
      for (const c of allowedClaims) {
        if (!isReleasableClaim(c))
          p.add(`allowed_claims: ${JSON.stringify(c)} is not a known claim`);
      }
    }
  }
  out.allowed_claims = allowedClaims;

  for (const name of PASSTHROUGH_STRINGS) {
    const v = input[name];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 2000) p.add(`${name} must be a string`);
    else out[name] = v;
  }
  for (const name of PASSTHROUGH_STRING_ARRAYS) {
    const v = input[name];
    if (v === undefined) continue;
    if (!isStringArray(v) || v.length > 20) p.add(`${name} must be an array of strings`);
    else out[name] = [...v];
  }
  for (const name of PASSTHROUGH_BOOLEANS) {
    const v = input[name];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') p.add(`${name} must be a boolean`);
    else out[name] = v;
  }
  for (const name of PASSTHROUGH_NUMBERS) {
    const v = input[name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      p.add(`${name} must be a non-negative integer`);
    else out[name] = v;
  }
  // RFC 7591 §2: any other member is metadata the server does not understand: ignored, not stored.

  // The pairwise sector (OIDC Core §8.1; CIBA Core §4).
  let sector = clientId;
  if (sectorUri) sector = hostOf(sectorUri);
  else if (redirectUris.length > 0) {
    const hosts = new Set(redirectUris.map(hostOf));
    if (hosts.size > 1) {
      p.add('redirect_uris name several hosts: register a sector_identifier_uri (OIDC Core §8.1)');
    }
    sector = hostOf(redirectUris[0] as URL);
  } else if (jwksUri) sector = hostOf(jwksUri);

  if (p.list.length > 0) {
    throw new AppError('invalid_request', `invalid client metadata: ${p.list.join('; ')}`, {
      extensions: { problems: p.list },
    });
  }
  out.client_name = (clientName as string).trim();
  out.environment = environment;
  return { registration: out as ClientRegistration, allowedClaims, sector };
}
