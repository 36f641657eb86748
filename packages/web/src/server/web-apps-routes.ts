import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import { WEB_APPS } from './apps.js';

/** Where `vite build` puts the apps (packages/web/dist/apps), from source or from dist. */
export const defaultWebDistDir = resolve(
  fileURLToPath(new URL('../../dist/apps', import.meta.url)),
);

/**
 * The apps' pages may load only our own scripts, styles and images and talk only to us: a stolen
 * page cannot be framed, and an injected script has nowhere to send what it finds.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

// The apps are not part of the API: keep them out of the OpenAPI document (@fastify/swagger's
// `hide`, which this package does not import the types of).
const HIDDEN = { hide: true } as FastifySchema;

export interface WebAppsOptions {
  /** The built apps; defaults to this package's dist/apps. */
  distDir?: string;
}

function securityHeaders(reply: FastifyReply): void {
  reply
    .header('content-security-policy', WEB_APP_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('permissions-policy', 'camera=(self), microphone=(), geolocation=()');
}

/**
 * Serve every browser app at `/<app>/`: files as they are (hashed assets cached for a year),
 * and any other path under the app answered with its index.html, so the app's own router can
 * take deep links. Until the apps are built, their paths say how to build them.
 */
export async function registerWebApps(
  app: FastifyInstance,
  options: WebAppsOptions = {},
): Promise<void> {
  const distDir = options.distDir ?? defaultWebDistDir;
  const built = existsSync(join(distDir, WEB_APPS[0], 'index.html'));

  for (const name of WEB_APPS) {
    app.get(`/${name}`, { schema: HIDDEN }, async (_request, reply) =>
      reply.redirect(`/${name}/`, 301),
    );
  }
  if (!built) {
    for (const name of WEB_APPS) {
      app.get(`/${name}/*`, { schema: HIDDEN }, async (_request, reply) =>
        reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(`The web apps are not built: run \`npm run build\` (or \`npm start\`).\n`),
      );
    }
    return;
  }

  const indexes = new Map(
    WEB_APPS.map((name) => [name, readFileSync(join(distDir, name, 'index.html'))]),
  );
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    wildcard: false,
    index: false,
    // The HTML entries and service workers must be re-fetched; hashed assets never change.
    setHeaders: (res, path) => {
      res.header('content-security-policy', WEB_APP_CSP);
      res.header('x-content-type-options', 'nosniff');
      if (path.includes('/assets/')) {
        res.header('cache-control', 'public, max-age=31536000, immutable');
      } else {
        res.header('cache-control', 'no-cache');
      }
    },
    cacheControl: false,
  });
  for (const name of WEB_APPS) {
    const index = indexes.get(name);
    app.get(`/${name}/*`, { schema: HIDDEN }, async (request, reply) => {
      const rest = (request.params as { '*': string })['*'];
      // A real file of the app (manifest, icons, service worker) is served as it is.
      if (rest && /^[\w.-]+(\/[\w.-]+)*$/.test(rest) && !rest.includes('..')) {
        const file = join(distDir, name, rest);
        if (existsSync(file) && !file.endsWith('index.html')) {
          return reply.sendFile(join(name, rest));
        }
      }
      securityHeaders(reply);
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
    });
  }
}
