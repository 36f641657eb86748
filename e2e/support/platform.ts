import { startTestNode, type TestNode } from '../../packages/server/test/support/test-node.js';

export type { TestNode } from '../../packages/server/test/support/test-node.js';
export { TEST_ADMIN_TOKEN } from '../../packages/server/test/support/test-node.js';

/**
 * The real platform on a random port, serving the built web apps (global-setup builds them), on
 * this worker's test database (PGlite, or PostgreSQL with DATABASE_URL).
 */
export function startPlatform(options: { env?: Record<string, string> } = {}): Promise<TestNode> {
  return startTestNode(options);
}
