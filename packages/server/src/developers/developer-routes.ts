import { randomUUID } from 'node:crypto';
import { Type } from '@fastify/type-provider-typebox';
import { clientInformation } from '../admin/client-routes.js';
import type { ClientRecord, ClientRegistration } from '../clients/client-service.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { AppError } from '../errors.js';
import type { App } from '../http/types.js';
import { keyedHash, sourcePseudonym } from '../keys/keyed-hash.js';
import {
  answerManualSandboxRequest,
  manualSandboxRequests,
  SANDBOX_PERSONS,
} from '../sandbox/sandbox.js';
import { serializeCookie } from '../web-login/cookies.js';
import { requireWebSession, sessionCookieName, webSessionOf } from '../web-login/web-auth.js';
import {
  clientIdsOfDeveloper,
  developerOfClient,
  findDeveloperByEmailHash,
  findDeveloperById,
  insertDeveloper,
  linkDeveloperClient,
} from './developer-store.js';

const SEAL_LABEL = (id: string) => `developer:${id}`;
const MAX_CLIENTS = 20;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/;
const Strict = { additionalProperties: false } as const;

const ClientBody = Type.Object(
  {
    client_name: Type.String({ minLength: 1, maxLength: 200 }),
    redirect_uris: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
      minItems: 1,
      maxItems: 20,
    }),
    post_logout_redirect_uris: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 20 }),
    ),
    allowed_claims: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30 }),
    ),
  },
  Strict,
);
type ClientInput = {
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[] | undefined;
  allowed_claims?: string[] | undefined;
};

/** A developer's client is always a sandbox client; production is the operator's decision. */
function sandboxRegistration(input: ClientInput): ClientRegistration {
  return {
    client_name: input.client_name,
    environment: 'sandbox',
    redirect_uris: input.redirect_uris,
    ...(input.post_logout_redirect_uris
      ? { post_logout_redirect_uris: input.post_logout_redirect_uris }
      : {}),
    grant_types: ['authorization_code'],
    allowed_claims: input.allowed_claims ?? ['given_name', 'family_name', 'birthdate'],
  };
}

const clientJson = (client: ClientRecord, secret?: string) => ({
  ...clientInformation(client, secret),
  environment: client.environment,
  status: client.status,
});

/**
 * The developer portal's API (docs/developer-portal.md): self-service sign-up for the sandbox,
 * the developer's own sandbox clients, the test persons and a device simulator for the
 * hand-answered sandbox phones. A developer session is a web session (web-login/) of audience
 * `developer`, opened at sign-up or with one of the developer's client id + secret.
 */
export async function registerDeveloperRoutes(app: App, ctx: AppContext): Promise<void> {
  if (!ctx.config.features.sandbox.enabled) return;
  const emailHash = keyedHash(ctx.vault, 'developers/email');
  const source = sourcePseudonym(ctx.vault);
  const secure = ctx.config.publicUrl.startsWith('https:');
  const prefix = new URL(ctx.config.publicUrl).pathname.replace(/\/$/, '');
  const developers = requireWebSession(ctx, 'developer');
  const sessionCookie = (id: string) =>
    serializeCookie(sessionCookieName('developer'), id, {
      path: `${prefix}/`,
      maxAge: ctx.webSessions.maxSeconds,
      secure,
    });

  async function ownClient(developerId: string, clientId: string): Promise<ClientRecord> {
    const owner = await developerOfClient(ctx.db, clientId);
    const client = owner === developerId ? await ctx.clients.get(ctx.db, clientId) : undefined;
    if (!client) throw new AppError('not_found', 'no such client of yours');
    return client;
  }

  /** Sign-ups per source address and hour (DEVELOPER_SIGNUPS_PER_HOUR), counted in the database. */
  async function limitSignUps(address: string): Promise<void> {
    const decision = await ctx.rateLimiter.consume(ctx.db, `developer-signup:${source(address)}`, {
      limit: ctx.config.webSessions.developerSignupsPerHour,
      windowSeconds: 3600,
    });
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'too many sign-ups from this address; wait', {
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      });
    }
  }

  app.post(
    '/developers/v1/signup',
    {
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            client: ClientBody,
          },
          Strict,
        ),
      },
    },
    async (request, reply) => {
      const email = request.body.email.trim().toLowerCase();
      if (!EMAIL.test(email))
        throw new AppError('invalid_request', 'the e-mail address is not valid');
      const name = request.body.name.trim();
      await limitSignUps(request.ip);
      const hash = emailHash(email);
      if (await findDeveloperByEmailHash(ctx.db, hash)) {
        throw new AppError(
          'already_exists',
          'this e-mail address has signed up already; log in with one of your client ids and secrets',
        );
      }
      const id = randomUUID();
      const registration = sandboxRegistration(request.body.client);
      const { client, clientSecret } = await ctx.clients.register(
        ctx.db,
        registration,
        `developer:${id}`,
      );
      try {
        await ctx.db.transaction().execute(async (trx) => {
          await insertDeveloper(trx, {
            id,
            emailHash: hash,
            sealed: ctx.vault.seal(Buffer.from(JSON.stringify({ email, name })), SEAL_LABEL(id)),
          });
          await linkDeveloperClient(trx, id, client.clientId);
          await ctx.audit.append(trx, {
            type: 'developer.signed_up',
            actor: `developer:${id}`,
            clientId: client.clientId,
            data: { source: source(request.ip) },
          });
        });
      } catch (error) {
        // The client registered above stays unowned and disabled: nobody holds it.
        await ctx.clients.setStatus(ctx.db, client.clientId, 'disabled', 'system:developers');
        if (isUniqueViolation(error)) {
          throw new AppError('already_exists', 'this e-mail address has signed up already');
        }
        throw error;
      }
      const session = await ctx.webSessions.create(ctx.db, {
        audience: 'developer',
        principalId: id,
      });
      reply
        .code(201)
        .header('cache-control', 'no-store')
        .header('set-cookie', sessionCookie(session.id));
      return { developerId: id, client: clientJson(client, clientSecret) };
    },
  );

  app.post(
    '/developers/v1/login',
    {
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        body: Type.Object(
          {
            clientId: Type.String({ minLength: 1, maxLength: 200 }),
            clientSecret: Type.String({ minLength: 1, maxLength: 200 }),
          },
          Strict,
        ),
      },
    },
    async (request, reply) => {
      const client = await ctx.clients.authenticate(
        ctx.db,
        request.body.clientId,
        request.body.clientSecret,
      );
      const developerId = client ? await developerOfClient(ctx.db, client.clientId) : undefined;
      const developer = developerId ? await findDeveloperById(ctx.db, developerId) : undefined;
      if (!developer || developer.status !== 'active') {
        await ctx.audit.append(ctx.db, {
          type: 'developer.login_failed',
          actor: 'anonymous',
          data: { source: source(request.ip) },
        });
        throw new AppError('invalid_client', 'unknown client id or wrong secret');
      }
      const session = await ctx.webSessions.create(ctx.db, {
        audience: 'developer',
        principalId: developer.id,
      });
      await ctx.audit.append(ctx.db, {
        type: 'developer.logged_in',
        actor: `developer:${developer.id}`,
        clientId: client?.clientId,
      });
      reply.header('cache-control', 'no-store').header('set-cookie', sessionCookie(session.id));
      return { developerId: developer.id };
    },
  );

  app.get('/developers/v1/clients', { preHandler: developers }, async (request) => {
    const developerId = webSessionOf(request).principalId;
    const ids = await clientIdsOfDeveloper(ctx.db, developerId);
    return {
      clients: (await ctx.clients.list(ctx.db, { clientIds: ids })).map((c) => clientJson(c)),
    };
  });

  app.post(
    '/developers/v1/clients',
    { preHandler: developers, schema: { body: ClientBody } },
    async (request, reply) => {
      const developerId = webSessionOf(request).principalId;
      if ((await clientIdsOfDeveloper(ctx.db, developerId)).length >= MAX_CLIENTS) {
        throw new AppError('invalid_state', `at most ${MAX_CLIENTS} sandbox clients per developer`);
      }
      const { client, clientSecret } = await ctx.clients.register(
        ctx.db,
        sandboxRegistration(request.body),
        `developer:${developerId}`,
      );
      await linkDeveloperClient(ctx.db, developerId, client.clientId);
      reply.code(201).header('cache-control', 'no-store');
      return clientJson(client, clientSecret);
    },
  );

  const ClientParams = Type.Object(
    { clientId: Type.String({ minLength: 1, maxLength: 200 }) },
    Strict,
  );

  app.put(
    '/developers/v1/clients/:clientId',
    { preHandler: developers, schema: { params: ClientParams, body: ClientBody } },
    async (request) => {
      const developerId = webSessionOf(request).principalId;
      const client = await ownClient(developerId, request.params.clientId);
      if (client.environment !== 'sandbox') {
        throw new AppError('invalid_state', 'a production client is changed by the operator');
      }
      return clientJson(
        await ctx.clients.update(
          ctx.db,
          client.clientId,
          sandboxRegistration(request.body),
          `developer:${developerId}`,
        ),
      );
    },
  );

  app.post(
    '/developers/v1/clients/:clientId/secret',
    { preHandler: developers, schema: { params: ClientParams } },
    async (request, reply) => {
      const developerId = webSessionOf(request).principalId;
      const client = await ownClient(developerId, request.params.clientId);
      const rotated = await ctx.clients.rotateSecret(
        ctx.db,
        client.clientId,
        `developer:${developerId}`,
      );
      reply.header('cache-control', 'no-store');
      return clientJson(rotated.client, rotated.clientSecret);
    },
  );

  app.get('/developers/v1/test-persons', async () => ({
    persons: SANDBOX_PERSONS.map((p) => ({
      nationalId: p.nationalId,
      phone: p.phone,
      name: `${p.givenName} ${p.familyName}`,
      birthDate: p.birthDate,
      outcome: p.outcome ?? 'ordinary',
    })),
  }));

  app.get('/developers/v1/simulator/requests', { preHandler: developers }, async (request) => {
    const ids = await clientIdsOfDeveloper(ctx.db, webSessionOf(request).principalId);
    const pending = await manualSandboxRequests(ctx, ids);
    return {
      requests: pending.map(({ nationalId, request: r }) => ({
        nationalId,
        sessionId: r.sessionId,
        type: r.type,
        clientId: r.clientId,
        rpName: r.rpName,
        verificationCode: r.verificationCode,
        vcChoices: r.vcChoices,
        claims: r.claims ?? [],
        displayText: r.displayText,
        expiresAt: r.expiresAt,
      })),
    };
  });

  app.post(
    '/developers/v1/simulator/requests/:sessionId',
    {
      preHandler: developers,
      schema: {
        params: Type.Object({ sessionId: Type.String({ minLength: 1, maxLength: 100 }) }, Strict),
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]),
            approvedClaims: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30 }),
            ),
            pickedCode: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
          },
          Strict,
        ),
      },
    },
    async (request, reply) => {
      const ids = await clientIdsOfDeveloper(ctx.db, webSessionOf(request).principalId);
      const { decision, approvedClaims, pickedCode } = request.body;
      const answered = await answerManualSandboxRequest(
        ctx,
        ids,
        request.params.sessionId,
        decision === 'approve'
          ? {
              approve: true,
              ...(approvedClaims ? { approvedClaims } : {}),
              ...(pickedCode ? { pickedCode } : {}),
            }
          : { approve: false },
      );
      if (!answered)
        throw new AppError('not_found', 'no such request waiting on a simulated phone');
      return reply.code(204).send();
    },
  );
}

/** The developer's profile for GET /web-login/v1/developer/session. */
export async function developerProfile(ctx: AppContext, developerId: string): Promise<unknown> {
  const developer = await findDeveloperById(ctx.db, developerId);
  if (developer?.status !== 'active') return undefined;
  const { email, name } = JSON.parse(
    ctx.vault.open(developer.sealed, SEAL_LABEL(developer.id)).toString('utf8'),
  ) as { email: string; name: string };
  return { developerId: developer.id, email, name };
}
