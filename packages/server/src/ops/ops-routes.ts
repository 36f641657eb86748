import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import type { App } from '../http/types.js';

/** F30: liveness, readiness and Prometheus metrics. */
export async function opsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    if (ctx.shutdownSignal.aborted) {
      return reply.code(503).send({ status: 'shutting-down' });
    }
    try {
      await sql`select 1`.execute(ctx.db);
      return { status: 'ready', database: ctx.dbKind };
    } catch {
      return reply.code(503).send({ status: 'database-unavailable' });
    }
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(ctx.metrics.contentType);
    return ctx.metrics.metrics();
  });
}
