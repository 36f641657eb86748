import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { type Clock, systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { type RunningNode, startNode } from '../../src/node.js';
import { type TestDb, withTestDb } from './test-db.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** One master key for all test nodes of a worker: they share the worker's database. */
export const TEST_MASTER_KEY = randomBytes(32).toString('hex');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestNode extends RunningNode {
  /** fetch against this node, with a path. */
  request(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Start the real server on a random port over the worker's test database.
 * `env` overrides configuration as the environment would.
 */
export async function startTestNode(
  options: { env?: Record<string, string>; clock?: Clock; db?: TestDb } = {},
): Promise<TestNode> {
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: 'silent',
    DATA_DIR: '/nonexistent-openmid-test-data-dir',
    // The sandbox seeds persons and virtual phones; only its own tests turn it on.
    SANDBOX: 'false',
    ...options.env,
  });
  const database = options.db ?? (await withTestDb());
  const node = await startNode(config, {
    clock: options.clock ?? systemClock,
    database,
    logger: false,
  });
  return {
    ...node,
    request: (path, init) => fetch(`${node.url}${path}`, init),
  };
}
