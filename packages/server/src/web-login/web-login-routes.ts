import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import type { AppContext } from '../context.js';
import type { App } from '../http/types.js';
import { sourcePseudonym } from '../keys/keyed-hash.js';
import { cookieValue, serializeCookie } from './cookies.js';
import {
  callbackPath,
  ensureFirstPartyClient,
  FIRST_PARTY_APPS,
  type FirstPartyApp,
  firstPartySecret,
  type OidcAudience,
} from './first-party.js';
import { authenticateWebSession, sessionCookieName } from './web-auth.js';
import type { WebAudience } from './web-sessions.js';

/** How long a started log-in may take (the phone's answer included), seconds. */
const FLOW_TTL_SECONDS = 600;
const FLOW_LABEL = 'web-login/flow';

interface Flow {
  audience: OidcAudience;
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
}

/** Describes the principal of a session for the web app (GET …/session). */
export type SessionProfile = (ctx: AppContext, principalId: string) => Promise<unknown | undefined>;

/** What the log-in needs of Fastify's inject (light-my-request). */
export type InjectFn = (request: {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  payload?: string;
}) => Promise<{
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  rawPayload: Buffer;
}>;

export interface WebLoginOptions {
  /**
   * Calls into this node's own HTTP application (Fastify inject): the log-in talks to the
   * platform's own OpenID Provider in process, whatever PUBLIC_URL resolves to from here.
   */
  inject: InjectFn;
  /** Profiles of audiences defined elsewhere (developer: developers/). */
  profiles?: Partial<Record<WebAudience, SessionProfile>>;
}

/** A fetch for openid-client that hands requests under PUBLIC_URL to this node in process. */
function inProcessFetch(publicUrl: string, inject: InjectFn): oidc.CustomFetch {
  const base = new URL(publicUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  return async (url, options) => {
    const target = new URL(url);
    if (target.origin !== base.origin || !target.pathname.startsWith(`${prefix}/`)) {
      throw new Error(`the web log-in only calls its own provider, not ${target.origin}`);
    }
    const body = options.body;
    const res = await inject({
      method: options.method as 'GET' | 'POST',
      url: `${target.pathname.slice(prefix.length)}${target.search}`,
      headers: options.headers,
      ...(body === undefined || body === null ? {} : { payload: String(body) }),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
    }
    const empty = [101, 204, 205, 304].includes(res.statusCode);
    return new Response(empty ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers,
    });
  };
}

/** A path inside the app, or the app itself: never another origin (no open redirect). */
function safeReturnTo(app: FirstPartyApp, raw: string | undefined): string {
  if (
    raw === undefined ||
    !raw.startsWith(app.appPath) ||
    raw.includes('\\') ||
    raw.includes('//') ||
    !/^[!-~]+$/.test(raw)
  ) {
    return app.appPath;
  }
  return raw;
}

/**
 * First-party web log-in (docs/web-login.md): the consoles (staff) and the self-service portal
 * (citizens) log in with Mobile ID through the platform's own OpenID Provider as built-in
 * confidential clients (code + PKCE, state, nonce; the ID token checked by openid-client), then
 * hold a server-side session in an HttpOnly cookie with a CSRF token for state-changing calls.
 *
 * - `GET  /web-login/v1/{staff|citizen}/login?return_to=/console/…&lang=az` → 302 to the provider
 * - `GET  /web-login/v1/{staff|citizen}/callback` → 302 back to the app (`?login_error=…` on failure)
 * - `GET  /web-login/v1/{audience}/session` → 200 `{ audience, authenticated, csrfToken?, … }`
 * - `POST /web-login/v1/{audience}/logout` (X-CSRF-Token) → 204
 */
export async function registerWebLoginRoutes(
  app: App,
  ctx: AppContext,
  options: WebLoginOptions,
): Promise<void> {
  const publicUrl = ctx.config.publicUrl;
  const prefix = new URL(publicUrl).pathname.replace(/\/$/, '');
  const secure = publicUrl.startsWith('https:');
  const source = sourcePseudonym(ctx.vault);
  const customFetch = inProcessFetch(publicUrl, options.inject);

  for (const fp of Object.values(FIRST_PARTY_APPS)) await ensureFirstPartyClient(ctx, fp);

  const configs = new Map<OidcAudience, Promise<oidc.Configuration>>();
  const configOf = (audience: OidcAudience): Promise<oidc.Configuration> => {
    let config = configs.get(audience);
    if (!config) {
      const fp = FIRST_PARTY_APPS[audience];
      config = oidc
        .discovery(
          new URL(publicUrl),
          fp.clientId,
          { id_token_signed_response_alg: 'ES256' },
          oidc.ClientSecretBasic(firstPartySecret(ctx, fp)),
          {
            [oidc.customFetch]: customFetch,
            ...(secure ? {} : { execute: [oidc.allowInsecureRequests] }),
          },
        )
        .catch((error: unknown) => {
          configs.delete(audience);
          throw error;
        });
      configs.set(audience, config);
    }
    return config;
  };

  const flowCookie = (audience: OidcAudience) => `omid_login_${audience}`;
  const flowPath = (audience: OidcAudience) => `${prefix}/web-login/v1/${audience}/`;
  const sessionCookie = (audience: WebAudience, value: string, maxAge: number) =>
    serializeCookie(sessionCookieName(audience), value, {
      path: `${prefix}/`,
      maxAge,
      secure,
      sameSite: 'Lax',
    });

  const OidcAudienceParams = Type.Object(
    { audience: Type.Union([Type.Literal('staff'), Type.Literal('citizen')]) },
    { additionalProperties: false },
  );
  const AnyAudienceParams = Type.Object(
    {
      audience: Type.Union([
        Type.Literal('staff'),
        Type.Literal('citizen'),
        Type.Literal('developer'),
      ]),
    },
    { additionalProperties: false },
  );

  app.get(
    '/web-login/v1/:audience/login',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        params: OidcAudienceParams,
        querystring: Type.Object(
          {
            return_to: Type.Optional(Type.String({ maxLength: 500 })),
            lang: Type.Optional(Type.String({ pattern: '^[A-Za-z-]{2,16}$' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { audience } = request.params;
      const fp = FIRST_PARTY_APPS[audience];
      const config = await configOf(audience);
      const flow: Flow = {
        audience,
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
        returnTo: safeReturnTo(fp, request.query.return_to),
        expiresAt: ctx.clock.now().getTime() + FLOW_TTL_SECONDS * 1000,
      };
      const parameters: Record<string, string> = {
        redirect_uri: `${publicUrl}${callbackPath(audience)}`,
        scope: fp.scope,
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
        // Always the phone: an earlier provider session never logs anyone in to a console.
        prompt: 'login',
      };
      if (fp.idTokenClaims.length > 0) {
        parameters.claims = JSON.stringify({
          id_token: Object.fromEntries(fp.idTokenClaims.map((c) => [c, { essential: true }])),
        });
      }
      if (request.query.lang) parameters.ui_locales = request.query.lang;
      const target = oidc.buildAuthorizationUrl(config, parameters);
      const sealed = ctx.vault.seal(Buffer.from(JSON.stringify(flow)), FLOW_LABEL);
      return reply
        .header(
          'set-cookie',
          serializeCookie(flowCookie(audience), sealed, {
            path: flowPath(audience),
            maxAge: FLOW_TTL_SECONDS,
            secure,
          }),
        )
        .header('cache-control', 'no-store')
        .redirect(target.href, 302);
    },
  );

  async function failLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    fp: FirstPartyApp,
    reason: string,
    returnTo: string = fp.appPath,
  ) {
    await ctx.audit.append(ctx.db, {
      type: 'web_login.failed',
      actor: 'anonymous',
      data: { audience: fp.audience, reason, source: source(request.ip) },
    });
    const target = new URL(`${publicUrl}${returnTo}`);
    target.searchParams.set('login_error', reason);
    return reply
      .header(
        'set-cookie',
        serializeCookie(flowCookie(fp.audience), '', {
          path: flowPath(fp.audience),
          maxAge: 0,
          secure,
        }),
      )
      .header('cache-control', 'no-store')
      .redirect(target.href, 302);
  }

  /** The principal the ID token names, or the reason it may not log in. */
  async function principalOf(
    fp: FirstPartyApp,
    claims: oidc.IDToken,
  ): Promise<{ principalId: string; personId: string; actor: string } | { reason: string }> {
    const client = await ctx.clients.get(ctx.db, fp.clientId);
    if (!client) return { reason: 'client_missing' };
    if (fp.audience === 'staff') {
      // Pairwise subjects are keyed hashes of the person id: recompute each linked staff member's.
      for (const member of await ctx.staff.list(ctx.db)) {
        if (!member.personId) continue;
        if (ctx.clients.pairwiseSubject(client, member.personId) !== claims.sub) continue;
        if (member.status !== 'active') return { reason: 'staff_disabled' };
        return {
          principalId: member.id,
          personId: member.personId,
          actor: `${member.role}:${member.id}`,
        };
      }
      return { reason: 'not_staff' };
    }
    const nationalId = claims.national_id;
    if (typeof nationalId !== 'string') return { reason: 'national_id_not_released' };
    const person = await ctx.registry.findPersonByNationalId(ctx.db, nationalId);
    // The claim must belong to the subject the provider authenticated.
    if (!person || ctx.clients.pairwiseSubject(client, person.id) !== claims.sub) {
      return { reason: 'subject_mismatch' };
    }
    if (person.status !== 'active') return { reason: 'person_inactive' };
    return { principalId: person.id, personId: person.id, actor: `person:${person.id}` };
  }

  app.get(
    '/web-login/v1/:audience/callback',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: { params: OidcAudienceParams },
    },
    async (request, reply) => {
      const { audience } = request.params;
      const fp = FIRST_PARTY_APPS[audience];
      const raw = cookieValue(request, flowCookie(audience));
      let flow: Flow | undefined;
      try {
        if (raw) flow = JSON.parse(ctx.vault.open(raw, FLOW_LABEL).toString('utf8')) as Flow;
      } catch {
        flow = undefined;
      }
      if (!flow || flow.audience !== audience) return failLogin(request, reply, fp, 'no_login');
      if (flow.expiresAt <= ctx.clock.now().getTime()) {
        return failLogin(request, reply, fp, 'expired', flow.returnTo);
      }
      const currentUrl = new URL(`${publicUrl}${callbackPath(audience)}`);
      currentUrl.search = new URL(request.url, 'http://x').search;
      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(await configOf(audience), currentUrl, {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (error) {
        const reason =
          error instanceof oidc.AuthorizationResponseError && error.error === 'access_denied'
            ? 'access_denied'
            : 'invalid_response';
        request.log.info({ err: error }, 'web log-in refused');
        return failLogin(request, reply, fp, reason, flow.returnTo);
      }
      if (!claims) return failLogin(request, reply, fp, 'invalid_response', flow.returnTo);
      const who = await principalOf(fp, claims);
      if ('reason' in who) return failLogin(request, reply, fp, who.reason, flow.returnTo);
      const { id } = await ctx.db.transaction().execute(async (trx) => {
        const created = await ctx.webSessions.create(trx, {
          audience,
          principalId: who.principalId,
        });
        await ctx.audit.append(trx, {
          type: 'web_login.succeeded',
          actor: who.actor,
          personId: who.personId,
          data: { audience, acr: claims.acr ?? null, source: source(request.ip) },
        });
        return created;
      });
      return reply
        .header('set-cookie', [
          sessionCookie(audience, id, ctx.webSessions.maxSeconds),
          serializeCookie(flowCookie(audience), '', {
            path: flowPath(audience),
            maxAge: 0,
            secure,
          }),
        ])
        .header('cache-control', 'no-store')
        .redirect(`${publicUrl}${flow.returnTo}`, 302);
    },
  );

  const profiles: Partial<Record<WebAudience, SessionProfile>> = {
    staff: async (c, staffId) => {
      const member = (await c.staff.list(c.db)).find((m) => m.id === staffId);
      if (member?.status !== 'active') return undefined;
      return { staffId: member.id, role: member.role, name: member.name };
    },
    citizen: async (c, personId) => {
      const person = await c.registry.getPerson(c.db, personId);
      if (person?.status !== 'active') return undefined;
      return {
        personId: person.id,
        nationalId: person.nationalId,
        givenName: person.givenName,
        familyName: person.familyName,
      };
    },
    ...options.profiles,
  };

  // 200 in both cases (a web app asks this on every load; a 401 would be a console error each time).
  app.get(
    '/web-login/v1/:audience/session',
    { schema: { params: AnyAudienceParams } },
    async (request, reply) => {
      const { audience } = request.params;
      reply.header('cache-control', 'no-store');
      const id = cookieValue(request, sessionCookieName(audience));
      const session =
        id === undefined ? undefined : await ctx.webSessions.resolve(ctx.db, audience, id);
      const profile = session ? await profiles[audience]?.(ctx, session.principalId) : undefined;
      if (id === undefined || !session || !profile) {
        if (id !== undefined) {
          await ctx.webSessions.destroy(ctx.db, id);
          reply.header('set-cookie', sessionCookie(audience, '', 0));
        }
        return { audience, authenticated: false };
      }
      return {
        audience,
        authenticated: true,
        ...(profile as Record<string, unknown>),
        csrfToken: ctx.webSessions.csrfToken(id),
        expiresAt: session.expiresAt.toISOString(),
        idleSeconds: ctx.webSessions.idleSeconds,
      };
    },
  );

  app.post(
    '/web-login/v1/:audience/logout',
    { schema: { params: AnyAudienceParams } },
    async (request, reply) => {
      const { audience } = request.params;
      const { id, session } = await authenticateWebSession(ctx, request, audience);
      // Outside the transaction: PGlite has one connection, and the transaction holds it.
      const actor = await actorOf(audience, session.principalId);
      await ctx.db.transaction().execute(async (trx) => {
        await ctx.webSessions.destroy(trx, id);
        await ctx.audit.append(trx, {
          type: 'web_login.logged_out',
          actor,
          ...(audience === 'citizen' ? { personId: session.principalId } : {}),
          data: { audience },
        });
      });
      return reply
        .header('set-cookie', sessionCookie(audience, '', 0))
        .header('cache-control', 'no-store')
        .code(204)
        .send();
    },
  );

  async function actorOf(audience: WebAudience, principalId: string): Promise<string> {
    if (audience === 'citizen') return `person:${principalId}`;
    if (audience === 'developer') return `developer:${principalId}`;
    const staff = await ctx.staff.principal(ctx.db, principalId);
    return staff?.actor ?? `staff:${principalId}`;
  }

  // Expired sessions are deleted every minute on each node (reads also refuse them at once).
  const timer = setInterval(() => {
    ctx.webSessions
      .sweep(ctx.db)
      .catch((err: unknown) => app.log.error({ err }, 'web session sweep failed'));
  }, 60_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
