import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { registerDemoRp, registerWebApps } from '@openmid/web/server';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { registerClientRoutes } from './admin/client-routes.js';
import { registerDeclarationRoutes } from './admin/declaration-routes.js';
import { registerDeviceAdminRoutes } from './admin/device-routes.js';
import { registerPersonRoutes } from './admin/person-routes.js';
import { registerStaffRoutes } from './admin/staff-routes.js';
import { registerTrustListRoutes } from './admin/trust-list-routes.js';
import { registerVerifierAdminRoutes } from './admin/verifier-routes.js';
import type { AppContext, Infrastructure } from './context.js';
import { developerProfile, registerDeveloperRoutes } from './developers/developer-routes.js';
import { registerCredentialDeviceRoutes } from './device-api/credential-routes.js';
import { registerDeviceRoutes } from './device-api/device-routes.js';
import { registerDeviceRequestRoutes } from './device-api/request-routes.js';
import { AppError } from './errors.js';
import { registerProblemHandlers, sendProblem } from './http/problem.js';
import type { App } from './http/types.js';
import { type OidcModule, registerOidc } from './oidc/oidc-module.js';
import { instrumentHttp } from './ops/metrics.js';
import { opsRoutes } from './ops/ops-routes.js';
import { registerPortalRoutes } from './portal/portal-routes.js';
import { registerDocumentRoutes } from './rp-api/document-routes.js';
import { registerRpRoutes } from './rp-api/rp-routes.js';
import { registerValidationRoutes } from './rp-api/validation-routes.js';
import { SANDBOX_CLIENT_ID, sandboxClientSecret } from './sandbox/sandbox.js';
import { createServices } from './services.js';
import { registerCredentialTrustRoutes } from './trust/credential-routes.js';
import { registerLogRoutes } from './trust/log-routes.js';
import { registerPkiRoutes } from './trust/pki-routes.js';
import { registerVerifierEnrolmentRoutes } from './verifier-api/enrolment-routes.js';
import { registerWalletRoutes } from './wallet/wallet-routes.js';
import { registerWebLoginRoutes } from './web-login/web-login-routes.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export interface BuiltApp {
  app: App;
  ctx: AppContext;
  /** The OpenID Provider of this node (key rotation, benchmarks). */
  oidc: OidcModule;
}

/**
 * Build the HTTP application of one node from its infrastructure. Nothing listens yet and
 * nothing happens at import time; main.ts and the tests call this.
 */
export async function buildApp(
  infra: Infrastructure,
  options: { logger?: FastifyServerOptions['logger'] } = {},
): Promise<BuiltApp> {
  const services = await createServices(infra);
  const ctx: AppContext = { ...infra, ...services };
  const app = Fastify({
    logger: options.logger ?? {
      level: infra.config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.dpop', 'req.headers.cookie'],
    },
    bodyLimit: infra.config.bodyLimit,
    trustProxy: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // Errors raised before routing (a malformed percent-encoded URL, a bad constraint) bypass the
    // error handler: answer them with the same problem body.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      const detail =
        error.code === 'FST_ERR_BAD_URL' ? 'the URL is not validly percent-encoded' : error.message;
      return sendProblem(reply, new AppError('invalid_request', detail));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerProblemHandlers(app);
  instrumentHttp(app, infra.metrics);
  // Rate limits are opt-in per route (config.rateLimit); the store is this node's memory, and
  // limits that must hold across nodes (activation codes, PINs) live in the database instead.
  await app.register(rateLimit, { global: false });
  // The OpenAPI document of every route schema (RP API: docs/rp-api.md), served at /openapi.json.
  await app.register(swagger, {
    openapi: {
      info: { title: 'OpenMID', version: '0.1.0', description: 'Open Mobile ID platform APIs' },
      servers: [{ url: infra.config.publicUrl }],
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scope) => opsRoutes(scope as App, ctx));
  await app.register(async (scope) => registerLogRoutes(scope as App, ctx));
  await app.register(async (scope) => registerPkiRoutes(scope as App, ctx));
  await app.register(async (scope) => registerStaffRoutes(scope as App, ctx));
  await app.register(async (scope) => registerPersonRoutes(scope as App, ctx));
  await app.register(async (scope) => registerDeviceAdminRoutes(scope as App, ctx));
  await app.register(async (scope) => registerDeviceRoutes(scope as App, ctx));
  let oidc: OidcModule | undefined;
  await app.register(async (scope) => {
    oidc = await registerOidc(scope as App, {
      config: ctx.config,
      db: ctx.db,
      clock: ctx.clock,
      vault: ctx.vault,
      audit: ctx.audit,
      clients: ctx.clients,
      sessions: ctx.sessions,
      registry: ctx.registry,
      rateLimiter: ctx.rateLimiter,
      log: app.log,
      shutdownSignal: ctx.shutdownSignal,
    });
  });
  await app.register(async (scope) =>
    registerWebLoginRoutes(scope as App, ctx, {
      inject: (opts) => app.inject(opts),
      profiles: { developer: developerProfile },
    }),
  );
  await app.register(async (scope) => registerClientRoutes(scope as App, ctx));
  await app.register(async (scope) => registerDeveloperRoutes(scope as App, ctx));
  await app.register(async (scope) => registerRpRoutes(scope as App, ctx));
  await app.register(async (scope) => registerDeviceRequestRoutes(scope as App, ctx));
  await app.register(async (scope) => registerWalletRoutes(scope as App, ctx));
  await app.register(async (scope) => registerPortalRoutes(scope as App, ctx));
  await app.register(async (scope) => registerTrustListRoutes(scope as App, ctx));
  await app.register(async (scope) => registerValidationRoutes(scope as App, ctx));
  await app.register(async (scope) => registerDocumentRoutes(scope as App, ctx));
  await app.register(async (scope) => registerCredentialDeviceRoutes(scope as App, ctx));
  await app.register(async (scope) => registerCredentialTrustRoutes(scope as App, ctx));
  await app.register(async (scope) => registerVerifierAdminRoutes(scope as App, ctx));
  await app.register(async (scope) => registerVerifierEnrolmentRoutes(scope as App, ctx));
  await app.register(async (scope) => registerDeclarationRoutes(scope as App, ctx));
  // The browser apps (wallet, portal, consoles, developer portal, verifier), built by Vite.
  await app.register(async (scope) => registerWebApps(scope));
  // The sandbox's demo relying party (an e-Tax portal) at /demo-rp/, a client of this platform.
  if (ctx.config.features.sandbox.enabled) {
    await app.register(async (scope) =>
      registerDemoRp(scope, {
        publicUrl: ctx.config.publicUrl,
        clientId: SANDBOX_CLIENT_ID,
        clientSecret: sandboxClientSecret(ctx.vault),
      }),
    );
  }

  // Sign the empty tree on a fresh database; integrate what a crashed node left behind. A damaged
  // tree stops the sequencer (reported every interval), not the node.
  const onError = (err: unknown) => app.log.error({ err }, 'log sequencer failed');
  await ctx.audit.integrate().catch(onError);
  const sequencer = ctx.audit.startSequencer({
    intervalMs: infra.config.audit.sthIntervalMs,
    onError,
  });
  app.addHook('onClose', () => sequencer.stop());
  // Keep pre-signed OCSP responses and the CRL ahead of their nextUpdate.
  const refresher = ctx.pki.startRefresher({
    intervalMs: Math.min(60_000, (infra.config.pki.ocspValiditySeconds * 1000) / 8),
    onError: (err) => app.log.error({ err }, 'OCSP/CRL refresh failed'),
  });
  app.addHook('onClose', () => refresher.stop());
  // Time out expired sessions on every node (reads also do it lazily, so this only bounds delay).
  const sweeper = ctx.sessions.startSweeper(1000, (err) =>
    app.log.error({ err }, 'session sweeper failed'),
  );
  app.addHook('onClose', () => sweeper.stop());
  // Documents past their retention are deleted (DOCUMENT_RETENTION_SECONDS), hourly on each node.
  const purge = () =>
    ctx.documents
      .purgeExpired(ctx.db)
      .catch((err: unknown) => app.log.error({ err }, 'document retention purge failed'));
  await purge();
  const purger = setInterval(purge, 3_600_000);
  purger.unref();
  app.addHook('onClose', async () => clearInterval(purger));

  if (!oidc) throw new Error('the OpenID Provider did not start');
  return { app, ctx, oidc };
}
