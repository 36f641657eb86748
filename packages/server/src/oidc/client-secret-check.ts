import type Provider from 'oidc-provider';
import type { LimitRule } from '../limits/rate-limiter.js';
import type { OidcDeps } from './oidc-deps.js';

/** Wrong secrets tolerated per client per minute at the OIDC endpoints, across all nodes. */
export const OIDC_CLIENT_SECRET_FAILURE_LIMIT: LimitRule = { limit: 20, windowSeconds: 60 };

/**
 * client_secret_basic / client_secret_post against ClientService's keyed hash (ADR
 * oidc-client-secret-hashing): oidc-provider exposes the comparison as `Client.prototype.
 * compareClientSecret` and awaits it, which is the extension point its author recommends for
 * one-way hashed secrets (panva/node-oidc-provider#631). Failures are audited and bounded.
 */
export function installClientSecretCheck(provider: Provider, deps: OidcDeps): void {
  const proto = provider.Client.prototype as unknown as {
    clientId: string;
    compareClientSecret(actual: string): Promise<boolean>;
  };
  proto.compareClientSecret = async function compareClientSecret(actual: string) {
    const bucket = `oidc-client-secret-fail:${this.clientId}`;
    const before = await deps.rateLimiter.peek(deps.db, bucket, OIDC_CLIENT_SECRET_FAILURE_LIMIT);
    if (!before.allowed) return false;
    const client =
      typeof actual === 'string'
        ? await deps.clients.authenticate(deps.db, this.clientId, actual)
        : undefined;
    if (client) return true;
    await deps.db.transaction().execute(async (trx) => {
      await deps.rateLimiter.consume(trx, bucket, OIDC_CLIENT_SECRET_FAILURE_LIMIT);
      await deps.audit.append(trx, {
        type: 'client.authentication_failed',
        actor: 'anonymous',
        clientId: this.clientId,
        data: { reason: 'wrong_secret', endpoint: 'oidc' },
      });
    });
    return false;
  };
}
