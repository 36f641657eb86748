import type { JWK } from 'jose';
import Provider, {
  type Configuration,
  type EncryptionAlgValues,
  type EncryptionEncValues,
  errors,
  type KoaContextWithOIDC,
  type SigningAlgorithm,
} from 'oidc-provider';
import { ACR_VALUES } from './assurance.js';
import { type CibaHooks, createCibaHooks } from './ciba.js';
import { installClientSecretCheck } from './client-secret-check.js';
import { createAdapterClass } from './oidc-adapter.js';
import { PERSON_CLAIMS, personClaimValues, SCOPE_CLAIMS } from './oidc-claims.js';
import type { OidcDeps } from './oidc-deps.js';
import { renderErrorPage, renderLogoutPage, renderLogoutSuccessPage } from './provider-pages.js';

/** Where oidc-provider's endpoints live under PUBLIC_URL; discovery stays at /.well-known. */
export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  backchannel_authentication: '/oidc/backchannel',
  end_session: '/oidc/session/end',
  jwks: '/oidc/jwks',
  pushed_authorization_request: '/oidc/par',
  revocation: '/oidc/token/revocation',
  token: '/oidc/token',
  userinfo: '/oidc/me',
} as const;

export const INTERACTION_PATH = '/oidc/interaction';

const SIGNING: SigningAlgorithm[] = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'EdDSA',
];
const KEY_MANAGEMENT: EncryptionAlgValues[] = [
  'RSA-OAEP',
  'RSA-OAEP-256',
  'ECDH-ES',
  'ECDH-ES+A128KW',
  'ECDH-ES+A192KW',
  'ECDH-ES+A256KW',
];
const CONTENT_ENCRYPTION: EncryptionEncValues[] = [
  'A128GCM',
  'A192GCM',
  'A256GCM',
  'A128CBC-HS256',
  'A192CBC-HS384',
  'A256CBC-HS512',
];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface ProviderOptions {
  deps: OidcDeps;
  signingKeys: { keys: JWK[] };
  /** Seconds a CIBA client waits between polls (slow_down below it). */
  cibaIntervalSeconds: number;
}

/**
 * The OpenID Provider (F12): oidc-provider with our database adapter, clients from ClientService,
 * persons from the registry, pairwise subjects from ClientService (the REST API's value), and the
 * log-in done on the phone (interactions are ours: login-routes.ts; CIBA: ciba.ts).
 */
export interface OidcProvider {
  provider: Provider;
  ciba: CibaHooks;
}

export function createProvider(options: ProviderOptions): OidcProvider {
  const { deps } = options;
  const { config } = deps;
  const issuer = config.publicUrl;
  const pathPrefix = new URL(issuer).pathname.replace(/\/$/, '');
  const placeholderKey = deps.vault.deriveKey('oidc-client-secret-placeholder');
  const ciba = createCibaHooks(deps, options.cibaIntervalSeconds);

  // acr, amr and auth_time ride on the openid scope: every ID token says how the person logged in.
  const claims: Record<string, null | string[]> = {
    sid: null,
    iss: null,
    openid: ['sub', 'acr', 'amr', 'auth_time'],
  };
  for (const [scope, names] of Object.entries(SCOPE_CLAIMS)) claims[scope] = [...names];
  for (const name of PERSON_CLAIMS) if (!(name in claims)) claims[name] = null;

  const configuration: Configuration = {
    adapter: createAdapterClass({
      db: deps.db,
      clock: deps.clock,
      clients: deps.clients,
      placeholderKey,
    }),
    clients: [],
    acrValues: ACR_VALUES,
    claims,
    scopes: ['openid', ...Object.keys(SCOPE_CLAIMS)],
    subjectTypes: ['pairwise'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    responseTypes: ['code'],
    jwks: options.signingKeys as Configuration['jwks'],
    cookies: {
      keys: [deps.vault.deriveKey('oidc-cookies').toString('base64url')],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    routes: { ...OIDC_ROUTES },
    pkce: { required: () => true },
    conformIdTokenClaims: true,
    enabledJWA: {
      // Nothing that needs the client secret in plaintext: it is stored hashed (ADR).
      clientAuthSigningAlgValues: SIGNING,
      requestObjectSigningAlgValues: SIGNING,
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      introspectionSigningAlgValues: ['ES256', 'RS256'],
      authorizationSigningAlgValues: ['ES256', 'RS256'],
      idTokenEncryptionAlgValues: KEY_MANAGEMENT,
      userinfoEncryptionAlgValues: KEY_MANAGEMENT,
      introspectionEncryptionAlgValues: KEY_MANAGEMENT,
      authorizationEncryptionAlgValues: KEY_MANAGEMENT,
      requestObjectEncryptionAlgValues: KEY_MANAGEMENT,
      idTokenEncryptionEncValues: CONTENT_ENCRYPTION,
      userinfoEncryptionEncValues: CONTENT_ENCRYPTION,
      introspectionEncryptionEncValues: CONTENT_ENCRYPTION,
      authorizationEncryptionEncValues: CONTENT_ENCRYPTION,
      requestObjectEncryptionEncValues: CONTENT_ENCRYPTION,
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      encryption: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: renderLogoutPage,
        postLogoutSuccessSource: renderLogoutSuccessPage,
      },
      ciba: {
        enabled: true,
        deliveryModes: ['poll', 'ping'],
        ...ciba.hooks,
      },
    },
    interactions: {
      url: (_ctx, interaction) => `${pathPrefix}${INTERACTION_PATH}/${interaction.uid}`,
    },
    async findAccount(_ctx, id) {
      const person = await deps.registry.getPerson(deps.db, id);
      if (person?.status !== 'active') return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, ...personClaimValues(person, deps.clock.now()) }),
      };
    },
    async pairwiseIdentifier(_ctx, accountId, client) {
      const record = await deps.clients.get(deps.db, client.clientId);
      if (!record) throw new errors.InvalidClient('client not found');
      return deps.clients.pairwiseSubject(record, accountId);
    },
    clientBasedCORS(_ctx, origin, client) {
      return (client.redirectUris ?? []).some((uri) => {
        try {
          return new URL(uri).origin === origin;
        } catch {
          return false;
        }
      });
    },
    async fetch(url, init) {
      // Only sandbox clients may register loopback URLs (ClientService refuses them for
      // production clients): outside a production deployment the special-use address guard is
      // lifted for literal loopback hosts, so a developer's RP on localhost works; for nothing
      // else, and never in production (no fetches into the operator's own host).
      const target = new URL(url instanceof Request ? url.url : url);
      if (config.env !== 'production' && LOOPBACK_HOSTS.has(target.hostname)) {
        const { dispatcher: _guard, ...rest } = init as RequestInit & { dispatcher?: unknown };
        return fetch(url, rest);
      }
      return fetch(url, init);
    },
    renderError: renderErrorPage,
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      BackchannelAuthenticationRequest: config.sessions.timeoutSeconds + 30,
      ClientCredentials: 10 * 60,
      DeviceCode: 10 * 60,
      Grant: 14 * 24 * 3600,
      IdToken: 10 * 60,
      Interaction: 15 * 60,
      RefreshToken: 14 * 24 * 3600,
      Session: 8 * 3600,
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      // Consent is given on the phone for each log-in (F14): only the grant this interaction
      // just created counts, never one remembered from an earlier log-in.
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
  };

  const provider = new Provider(issuer, configuration);
  // The mount (oidc-routes.ts) sets X-Forwarded-* from PUBLIC_URL, so every URL the provider
  // builds is under the issuer whatever Host a client sent.
  provider.proxy = true;
  installClientSecretCheck(provider, deps);
  ciba.attach(provider);
  return { provider, ciba };
}
