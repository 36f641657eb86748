import { randomBytes } from 'node:crypto';
import { isE164Phone, isNationalId } from '@openmid/protocol';
import type Provider from 'oidc-provider';
import {
  type BackchannelAuthenticationRequest,
  errors,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { isAppError } from '../errors.js';
import type { SessionService, SessionSubject } from '../sessions/session-service.js';
import { assuranceOf } from './assurance.js';
import { createGrant } from './grant.js';
import { oauthErrorOf } from './mid-outcome.js';
import { claimsParameterNames, claimsToAsk } from './oidc-claims.js';
import type { OidcDeps } from './oidc-deps.js';
import {
  claimMidSessionResolution,
  findMidSession,
  insertMidSession,
  recordMidSessionPoll,
} from './oidc-store.js';

/** binding_message: shown on the phone as the display text, in any script (F29). */
const BINDING_MESSAGE_MAX = 60;

export const cibaRef = (authReqId: string) => `ciba:${authReqId}`;

/**
 * CIBA (OpenID CIBA Core 1.0), poll and ping modes. The login_hint is a national id or an E.164
 * phone number; the request starts a Mobile ID 'auth' session with origin 'ciba', and the
 * binding_message is the display text on the phone. The outcome becomes the request's result
 * exactly once (oidc_mid_sessions.resolved_at), by the node that started it when the phone
 * answers, or by whichever node a poll reaches first (so a node crash loses nothing).
 */
export function createCibaHooks(deps: OidcDeps, intervalSeconds: number) {
  let provider: Provider | undefined;

  function subjectOf(loginHint: string): SessionSubject | undefined {
    const hint = loginHint.trim();
    if (isNationalId(hint)) return { nationalId: hint };
    if (isE164Phone(hint)) return { phone: hint };
    return undefined;
  }

  /** Turn a completed session into the CIBA result (once). */
  async function resolve(authReqId: string): Promise<void> {
    if (!provider) return;
    const ref = cibaRef(authReqId);
    const row = await findMidSession(deps.db, ref);
    if (!row || row.resolvedAt) return;
    const view = await deps.sessions.get(deps.db, row.clientId, row.sessionId);
    if (view?.state !== 'COMPLETE' || !view.outcome) return;
    if (!(await claimMidSessionResolution(deps.db, ref, row.sessionId, deps.clock.now()))) return;
    const request = await provider.BackchannelAuthenticationRequest.find(authReqId, {
      ignoreExpiration: true,
    });
    if (!request) return;
    const outcome = view.outcome;
    if (outcome.endResult === 'OK' && outcome.personId === request.accountId && outcome.personId) {
      const { acr, amr } = assuranceOf(outcome);
      const grantId = await createGrant(provider, deps, {
        accountId: outcome.personId,
        clientId: row.clientId,
        scopes: (request.scope ?? '').split(' ').filter(Boolean),
        parameterClaims: claimsParameterNames(request.claims),
        approvedClaims: (outcome.approvedClaims ?? []).filter((c) => row.claims.includes(c)),
        flow: 'ciba',
      });
      await provider.backchannelResult(request, grantId, {
        acr,
        amr,
        authTime: Math.floor(outcome.completedAt.getTime() / 1000),
      });
      return;
    }
    const { error, description } =
      outcome.endResult === 'OK'
        ? { error: 'access_denied' as const, description: 'another person answered' }
        : oauthErrorOf(outcome.endResult);
    const result =
      error === 'expired_token'
        ? new errors.ExpiredToken(description)
        : new errors.AccessDenied(description);
    await provider.backchannelResult(request, result);
  }

  /** Wait (on this node) for the phone, then resolve; a poll elsewhere may have done it first. */
  async function watch(authReqId: string, clientId: string, sessionId: string): Promise<void> {
    const deadline = deps.clock.now().getTime() + (deps.config.sessions.timeoutSeconds + 30) * 1000;
    while (!deps.shutdownSignal.aborted && deps.clock.now().getTime() < deadline) {
      const view = await deps.sessions.waitForCompletion(
        clientId,
        sessionId,
        25_000,
        deps.shutdownSignal,
      );
      if (!view) return;
      if (view.state === 'COMPLETE') {
        await resolve(authReqId);
        return;
      }
    }
  }

  const hooks = {
    async processLoginHint(_ctx: KoaContextWithOIDC, loginHint?: string) {
      const subject = loginHint === undefined ? undefined : subjectOf(loginHint);
      if (!subject) {
        throw new errors.InvalidRequest(
          'login_hint must be a national id (PNOAZ-1234567) or an E.164 phone number',
        );
      }
      const person =
        'nationalId' in subject
          ? await deps.registry.findPersonByNationalId(deps.db, subject.nationalId)
          : await deps.registry.findPersonByPhone(deps.db, subject.phone);
      if (person?.status !== 'active') {
        throw new errors.UnknownUserId('no active Mobile ID user for this login_hint');
      }
      return person.id;
    },
    async processLoginHintToken() {
      throw new errors.InvalidRequest('login_hint_token is not supported; use login_hint');
    },
    async verifyUserCode(_ctx: KoaContextWithOIDC, _account: unknown, userCode?: string) {
      if (userCode !== undefined) {
        throw new errors.InvalidRequest('user_code is not supported');
      }
    },
    async validateBindingMessage(_ctx: KoaContextWithOIDC, bindingMessage?: string) {
      if (bindingMessage === undefined) return;
      if (
        bindingMessage.length > BINDING_MESSAGE_MAX ||
        /\p{Cc}/u.test(bindingMessage) ||
        bindingMessage.trim() === ''
      ) {
        throw new errors.InvalidBindingMessage(
          `binding_message must be 1 to ${BINDING_MESSAGE_MAX} printable characters`,
        );
      }
    },
    async validateRequestContext() {},
    async triggerAuthenticationDevice(
      ctx: KoaContextWithOIDC,
      request: BackchannelAuthenticationRequest,
      account: { accountId: string },
      client: { clientId: string },
    ) {
      const record = await deps.clients.get(deps.db, client.clientId);
      const person = await deps.registry.getPerson(deps.db, account.accountId);
      if (!record || !person) throw new errors.UnknownUserId('no active Mobile ID user');
      const claims = claimsToAsk(
        {
          scopes: (request.scope ?? '').split(' ').filter(Boolean),
          parameterClaims: claimsParameterNames(request.claims),
        },
        record.allowedClaims,
      );
      const bindingMessage = ctx.oidc.params?.binding_message;
      let started: Awaited<ReturnType<SessionService['start']>>;
      try {
        started = await deps.sessions.start(deps.db, {
          clientId: client.clientId,
          kind: 'auth',
          subject: { nationalId: person.nationalId },
          hash: randomBytes(32),
          hashType: 'SHA256',
          ...(typeof bindingMessage === 'string' ? { displayText: bindingMessage } : {}),
          claims,
          origin: 'ciba',
          actor: `client:${client.clientId}`,
        });
      } catch (error) {
        if (isAppError(error)) {
          if (error.code === 'rate_limited' || error.code === 'conflict') {
            throw new errors.InvalidRequest(`cannot start the request now: ${error.message}`);
          }
          throw new errors.UnknownUserId(error.message);
        }
        throw error;
      }
      const authReqId = request.jti;
      await insertMidSession(deps.db, {
        ref: cibaRef(authReqId),
        sessionId: started.sessionId,
        clientId: client.clientId,
        claims,
        createdAt: deps.clock.now(),
      });
      (ctx.body as Record<string, unknown>).interval = intervalSeconds;
      watch(authReqId, client.clientId, started.sessionId).catch((error: unknown) =>
        deps.log.error({ err: error, authReqId }, 'CIBA result delivery failed'),
      );
    },
  };

  return {
    hooks,
    attach(p: Provider) {
      provider = p;
    },
    /**
     * Before a CIBA token request reaches oidc-provider: slow_down when the client polls faster
     * than the interval, and resolve a completed session (any node).
     */
    async beforeTokenPoll(authReqId: string): Promise<'slow_down' | undefined> {
      const ref = cibaRef(authReqId);
      const now = deps.clock.now();
      const polled = await recordMidSessionPoll(deps.db, ref, now);
      if (!polled) return undefined;
      if (polled.previous && now.getTime() - polled.previous.getTime() < intervalSeconds * 1000) {
        return 'slow_down';
      }
      await resolve(authReqId);
      return undefined;
    },
  };
}

export type CibaHooks = ReturnType<typeof createCibaHooks>;
