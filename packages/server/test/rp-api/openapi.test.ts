import { describe, expect, it } from 'vitest';
import { startTestNode } from '../support/test-node.js';

describe('GET /openapi.json', () => {
  it('documents the RP API', async () => {
    const node = await startTestNode();
    try {
      const r = await node.request('/openapi.json');
      expect(r.status).toBe(200);
      const doc = (await r.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toMatch(/^3\./);
      for (const path of [
        '/rp/v1/authentication',
        '/rp/v1/certificate-choice',
        '/rp/v1/signature',
        '/rp/v1/sessions/{id}',
      ]) {
        expect(Object.keys(doc.paths)).toContain(path);
      }
    } finally {
      await node.stop();
    }
  });
});
