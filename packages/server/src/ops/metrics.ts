import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { App } from '../http/types.js';

/** A registry per node (not prom-client's global one), so tests can run several apps. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'openmid_' });
  return registry;
}

export function instrumentHttp(app: App, registry: Registry): void {
  const duration = new Histogram({
    name: 'openmid_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
