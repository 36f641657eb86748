import type Provider from 'oidc-provider';
import { mentionedClaims } from './oidc-claims.js';
import type { OidcDeps } from './oidc-deps.js';

export interface GrantRequest {
  accountId: string;
  clientId: string;
  scopes: string[];
  parameterClaims: string[];
  /** The claims the citizen approved on the phone. */
  approvedClaims: string[];
  flow: 'oidc' | 'ciba';
}

/**
 * The grant behind the tokens of one Mobile ID log-in (F14): the requested scopes, the approved
 * claims granted, every other claim the request mentions rejected (oidc-provider masks rejected
 * claims out of the ID token and userinfo). The release is logged for the citizen: claim names,
 * never values.
 */
export async function createGrant(
  provider: Provider,
  deps: Pick<OidcDeps, 'audit' | 'db'>,
  request: GrantRequest,
): Promise<string> {
  const grant = new provider.Grant({ accountId: request.accountId, clientId: request.clientId });
  grant.addOIDCScope([...new Set(['openid', ...request.scopes])].join(' '));
  const approved = new Set(request.approvedClaims);
  const mentioned = mentionedClaims({
    scopes: request.scopes,
    parameterClaims: request.parameterClaims,
  });
  const released = mentioned.filter((c) => approved.has(c));
  const rejected = mentioned.filter((c) => !approved.has(c));
  if (released.length > 0) grant.addOIDCClaims(released);
  if (rejected.length > 0) grant.rejectOIDCClaims(rejected);
  const grantId = await grant.save();
  await deps.audit.append(deps.db, {
    type: 'claims.released',
    actor: `client:${request.clientId}`,
    personId: request.accountId,
    clientId: request.clientId,
    data: { claims: released, flow: request.flow },
  });
  return grantId;
}
