import { createHmac } from 'node:crypto';
import type { ClientRecord } from '../clients/client-service.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../db/db-errors.js';

/** The audiences that log in with Mobile ID through the platform's own OpenID Provider. */
export type OidcAudience = 'staff' | 'citizen';

export interface FirstPartyApp {
  audience: OidcAudience;
  clientId: string;
  /** Shown on the log-in page and on the phone. */
  clientName: string;
  /** The web app the log-in returns to (and the only place it may return to). */
  appPath: string;
  scope: string;
  /** Claims asked with the `claims` parameter (ID token). */
  idTokenClaims: readonly string[];
}

/** One built-in confidential client per first-party web app (docs/web-login.md). */
export const FIRST_PARTY_APPS: Record<OidcAudience, FirstPartyApp> = {
  staff: {
    audience: 'staff',
    clientId: 'openmid-console',
    clientName: 'OpenMID consoles',
    appPath: '/console/',
    scope: 'openid',
    // Staff are recognised by their pairwise subject: no personal claim leaves the provider.
    idTokenClaims: [],
  },
  citizen: {
    audience: 'citizen',
    clientId: 'openmid-portal',
    clientName: 'OpenMID self-service portal',
    appPath: '/portal/',
    scope: 'openid',
    // The portal needs to know who the person is: the national id, checked against the subject.
    idTokenClaims: ['national_id'],
  },
};

export const callbackPath = (audience: OidcAudience): string =>
  `/web-login/v1/${audience}/callback`;

/** The client secret of a first-party app: derived from the master key, never stored. */
export function firstPartySecret(ctx: AppContext, app: FirstPartyApp): string {
  return createHmac('sha256', ctx.vault.deriveKey('web-login/first-party-client'))
    .update(app.clientId)
    .digest('base64url');
}

/**
 * Register (or bring up to date) the built-in client of a first-party app: its redirect URI
 * follows PUBLIC_URL. An https platform registers it as a production client; a plain-http
 * development platform as a sandbox one (production clients must use https).
 */
export async function ensureFirstPartyClient(
  ctx: AppContext,
  app: FirstPartyApp,
): Promise<ClientRecord> {
  const registration = {
    client_name: app.clientName,
    environment: ctx.config.publicUrl.startsWith('https:')
      ? ('production' as const)
      : ('sandbox' as const),
    redirect_uris: [`${ctx.config.publicUrl}${callbackPath(app.audience)}`],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic' as const,
    allowed_claims: [...app.idTokenClaims],
  };
  const secret = firstPartySecret(ctx, app);
  for (let attempt = 0; ; attempt++) {
    try {
      const { client, created } = await ctx.clients.ensure(
        ctx.db,
        app.clientId,
        registration,
        'system:web-login',
        secret,
      );
      // A status set by an operator (disabled: nobody logs in to that app) is left as it is.
      const same =
        client.environment === registration.environment &&
        JSON.stringify(client.metadata.redirect_uris) ===
          JSON.stringify(registration.redirect_uris) &&
        JSON.stringify(client.allowedClaims) === JSON.stringify(registration.allowed_claims);
      if (created || same) return client;
      return await ctx.clients.update(ctx.db, app.clientId, registration, 'system:web-login');
    } catch (error) {
      // Two nodes starting together: the other one inserted it first; look again.
      if (attempt < 2 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}
