import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { issue, ocspCertStatus } from '../support/pki.js';
import { freshTestDb } from '../support/test-db.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

describe('CA bootstrap — F7, F9', () => {
  const nodes: TestNode[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.stop();
  });

  it('creates exactly one CA when two nodes start together, and a restart reuses it', async () => {
    const db = await freshTestDb();
    const [a, b] = await Promise.all([startTestNode({ db }), startTestNode({ db })]);
    nodes.push(a, b);
    const rootA = a.ctx.pki.caCertificates();
    const rootB = b.ctx.pki.caCertificates();
    expect(Buffer.from(rootA.root).equals(Buffer.from(rootB.root))).toBe(true);
    expect(Buffer.from(rootA.issuing).equals(Buffer.from(rootB.issuing))).toBe(true);
    const rows = await db.db.selectFrom('ca_certificates').select(['role']).execute();
    expect(rows.map((r) => r.role).sort()).toEqual(['issuing', 'ocsp', 'root', 'tsa']);
    await b.stop();
    const c = await startTestNode({ db });
    nodes.push(c);
    expect(Buffer.from(c.ctx.pki.caCertificates().root).equals(Buffer.from(rootA.root))).toBe(true);
    expect(await (await c.request('/pki/root.pem')).text()).toBe(
      await (await a.request('/pki/root.pem')).text(),
    );
  });

  it('keeps CA private keys only sealed under the master key', async () => {
    const db = await freshTestDb();
    const node = await startTestNode({ db });
    nodes.push(node);
    const keys = await db.db
      .selectFrom('stored_keys')
      .select(['name', 'sealed'])
      .where('name', 'like', 'pki-%')
      .execute();
    expect(keys.map((k) => k.name).sort()).toEqual([
      'pki-issuing-key-1',
      'pki-ocsp-key-1',
      'pki-root-key-1',
      'pki-tsa-key-1',
    ]);
    for (const k of keys) {
      expect(k.sealed).toMatch(/^v1\./);
      expect(k.sealed).not.toContain('PRIVATE KEY');
    }
  });

  it('refuses to start with a different master key', async () => {
    const db = await freshTestDb();
    nodes.push(await startTestNode({ db }));
    await expect(startTestNode({ db, env: { MASTER_KEY: 'ab'.repeat(32) } })).rejects.toThrow();
  });
});

describe('pre-signed OCSP responses — refreshed ahead of nextUpdate', () => {
  let node: TestNode | undefined;
  afterAll(async () => {
    await node?.stop();
  });

  it('re-signs responses past half their lifetime and serves a fresh one after expiry', async () => {
    const clock = fixedClock(new Date());
    node = await startTestNode({
      clock,
      db: await freshTestDb(),
      env: { OCSP_VALIDITY_SECONDS: '600' },
    });
    const cert = await issue(node, 'auth');
    const first = await node.ctx.pki.ocspResponseFor(cert.serialHex);
    expect(await node.ctx.pki.refreshOcspResponses()).toBe(0);
    clock.advance(301_000);
    expect(await node.ctx.pki.refreshOcspResponses()).toBe(1);
    const second = await node.ctx.pki.ocspResponseFor(cert.serialHex);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(false);
    expect((await ocspCertStatus(second)).thisUpdate.getTime()).toBeGreaterThan(
      (await ocspCertStatus(first)).thisUpdate.getTime(),
    );
    // Past nextUpdate with no refresher run: the request path signs a fresh one.
    clock.advance(700_000);
    const third = await ocspCertStatus(await node.ctx.pki.ocspResponseFor(cert.serialHex));
    expect(third.status).toBe('good');
    expect(third.nextUpdate.getTime()).toBeGreaterThan(clock.now().getTime());
  });
});
