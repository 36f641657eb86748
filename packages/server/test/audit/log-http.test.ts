import { execFileSync } from 'node:child_process';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConsistencyProofJson,
  canonicalJson,
  type InclusionProofJson,
  type LogEntryJson,
  type LogKeyJson,
  type SignedTreeHeadJson,
} from '@openmid/protocol';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStoredLogPublicKey } from '../../src/audit/log-key.js';
import { createDbLogSource } from '../../src/audit/log-source.js';
import { verifyLog } from '../../src/audit/log-verifier.js';
import { openPostgres } from '../../src/db/db.js';
import {
  LEAF,
  rfcVerifyConsistency,
  rfcVerifyInclusion,
  sha256,
} from '../support/rfc9162-oracle.js';
import { withTestDb } from '../support/test-db.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const b = (s: string): Buffer => Buffer.from(s, 'base64');

describe('transparency log over HTTP — SPEC §4.2, F24', () => {
  let node: TestNode;
  let key: LogKeyJson;

  beforeAll(async () => {
    // The timer is off here: these tests integrate on demand.
    node = await startTestNode({ env: { STH_INTERVAL_MS: '0' } });
    key = await (await node.request('/log/v1/key')).json();
  });
  afterAll(async () => {
    await node?.stop();
  });

  const getJson = async <T>(path: string): Promise<T> => {
    const r = await node.request(path);
    expect(r.status, `${path}: ${r.status}`).toBe(200);
    return (await r.json()) as T;
  };
  const sth = () => getJson<SignedTreeHeadJson>('/log/v1/sth');

  async function appendEvents(count: number, marker: string): Promise<number[]> {
    return node.ctx.db.transaction().execute(async (trx) => {
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        ids.push(
          await node.ctx.audit.append(trx, {
            type: 'test.appended',
            actor: 'system',
            data: { marker, i },
          }),
        );
      }
      return ids;
    });
  }

  function verifiesWithNodeCrypto(head: SignedTreeHeadJson): boolean {
    const data = Buffer.from(
      canonicalJson({
        tree_size: head.tree_size,
        root_hash: head.root_hash,
        timestamp: head.timestamp,
      }),
    );
    const fromJwk = createPublicKey({ key: key.jwk, format: 'jwk' });
    return verify('sha256', data, { key: fromJwk, dsaEncoding: 'der' }, b(head.signature));
  }

  it('publishes the log key as PEM and JWK with its RFC 7638 key id', async () => {
    expect(key.algorithm).toBe('ES256');
    expect(key.pem).toContain('-----BEGIN PUBLIC KEY-----');
    expect(key.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.key_id });
    expect(key.jwk.d).toBeUndefined();
    const { kid: _kid, alg: _alg, use: _use, ...bare } = key.jwk;
    expect(await calculateJwkThumbprint(bare as JWK, 'sha256')).toBe(key.key_id);
    expect(createPublicKey(key.pem).export({ format: 'jwk' })).toMatchObject({
      x: key.jwk.x,
      y: key.jwk.y,
    });
  });

  it('keeps the log key sealed in stored_keys, never in plaintext', async () => {
    const row = await node.ctx.db
      .selectFrom('stored_keys')
      .select(['sealed', 'public_data'])
      .where('name', '=', 'log-signing-key')
      .executeTakeFirstOrThrow();
    expect(row.sealed).toMatch(/^v1\./);
    expect(row.sealed).not.toContain('PRIVATE');
    expect(row.public_data?.trim()).toBe(key.pem.trim());
    const opened = node.ctx.vault.open(row.sealed, 'log-signing-key');
    expect(opened.length).toBeGreaterThan(100);
  });

  it('grows the signed tree head when appended entries are integrated', async () => {
    const before = await sth();
    const marker = randomUUID();
    await appendEvents(5, marker);
    // Not integrated yet: the head has not moved.
    expect((await sth()).tree_size).toBe(before.tree_size);
    const integrated = await node.ctx.audit.integrate();
    const after = await sth();
    expect(after.tree_size).toBe(before.tree_size + 5);
    expect(integrated.treeSize).toBe(after.tree_size);
    expect(after.key_id).toBe(key.key_id);
    expect(after.timestamp).toBeGreaterThanOrEqual(before.timestamp);
    expect(verifiesWithNodeCrypto(after)).toBe(true);
    // An older head stays available by size.
    expect(await getJson(`/log/v1/sth?tree_size=${before.tree_size}`)).toEqual(before);
  });

  it('signs heads that openssl verifies with the published PEM key', async () => {
    await appendEvents(1, randomUUID());
    await node.ctx.audit.integrate();
    const head = await sth();
    const dir = mkdtempSync(join(tmpdir(), 'openmid-sth-'));
    try {
      writeFileSync(join(dir, 'key.pem'), key.pem);
      writeFileSync(join(dir, 'sig.der'), b(head.signature));
      writeFileSync(
        join(dir, 'data'),
        canonicalJson({
          tree_size: head.tree_size,
          root_hash: head.root_hash,
          timestamp: head.timestamp,
        }),
      );
      const out = execFileSync(
        'openssl',
        ['dgst', '-sha256', '-verify', 'key.pem', '-signature', 'sig.der', 'data'],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(out.trim()).toBe('Verified OK');
      // A head with another size under the same signature does not verify.
      expect(verifiesWithNodeCrypto({ ...head, tree_size: head.tree_size + 1 })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves entries and inclusion proofs (by index and by hash) that an RFC 9162 verifier accepts', async () => {
    const marker = randomUUID();
    await appendEvents(7, marker);
    const head = await node.ctx.audit.integrate();
    const size = head.treeSize;
    const { entries } = await getJson<{ entries: LogEntryJson[] }>(
      `/log/v1/entries?start=${size - 7}&end=${size}`,
    );
    expect(entries.map((e) => e.leaf_index)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => size - 7 + i),
    );
    const root = head.rootHash;
    for (const entry of entries) {
      expect(JSON.parse(entry.entry_json)).toMatchObject({
        type: 'test.appended',
        data: { marker },
      });
      const hash = sha256(LEAF, Buffer.from(entry.entry_json, 'utf8'));
      expect(b(entry.leaf_hash).equals(hash)).toBe(true);
      const byIndex = await getJson<InclusionProofJson>(
        `/log/v1/proof/inclusion?leaf_index=${entry.leaf_index}&tree_size=${size}`,
      );
      expect(byIndex).toMatchObject({ leaf_index: entry.leaf_index, tree_size: size });
      const path = byIndex.audit_path.map(b);
      expect(rfcVerifyInclusion(hash, entry.leaf_index, size, path, root)).toBe(true);
      const byHash = await getJson<InclusionProofJson>(
        `/log/v1/proof/inclusion?hash=${encodeURIComponent(entry.leaf_hash)}&tree_size=${size}`,
      );
      expect(byHash).toEqual(byIndex);
      // The proof does not prove another entry.
      expect(
        rfcVerifyInclusion(sha256(Buffer.from('forged')), entry.leaf_index, size, path, root),
      ).toBe(false);
    }
    // The last entry of the previous head, proven in that smaller tree against its signed root.
    const older = await node.ctx.audit.findTreeHead(size - 7);
    if (!older) throw new Error('the previous head is missing');
    const last = await getJson<{ entries: LogEntryJson[] }>(
      `/log/v1/entries?start=${size - 8}&end=${size - 7}`,
    );
    const lastEntry = last.entries[0] as LogEntryJson;
    const proof = await getJson<InclusionProofJson>(
      `/log/v1/proof/inclusion?leaf_index=${size - 8}&tree_size=${size - 7}`,
    );
    expect(
      rfcVerifyInclusion(
        b(lastEntry.leaf_hash),
        size - 8,
        size - 7,
        proof.audit_path.map(b),
        older.rootHash,
      ),
    ).toBe(true);
  });

  it('serves consistency proofs between two signed heads that an RFC 9162 verifier accepts', async () => {
    const heads: SignedTreeHeadJson[] = [];
    for (const n of [1, 3, 2, 8]) {
      await appendEvents(n, randomUUID());
      await node.ctx.audit.integrate();
      heads.push(await sth());
    }
    for (let i = 0; i < heads.length; i++) {
      for (let j = i + 1; j < heads.length; j++) {
        const a = heads[i] as SignedTreeHeadJson;
        const c = heads[j] as SignedTreeHeadJson;
        const proof = await getJson<ConsistencyProofJson>(
          `/log/v1/proof/consistency?first=${a.tree_size}&second=${c.tree_size}`,
        );
        expect(proof).toMatchObject({ first: a.tree_size, second: c.tree_size });
        const path = proof.consistency_path.map(b);
        expect(
          rfcVerifyConsistency(a.tree_size, c.tree_size, b(a.root_hash), b(c.root_hash), path),
        ).toBe(true);
        expect(
          rfcVerifyConsistency(
            a.tree_size,
            c.tree_size,
            sha256(Buffer.from('x')),
            b(c.root_hash),
            path,
          ),
        ).toBe(false);
      }
    }
    const same = heads[0] as SignedTreeHeadJson;
    expect(
      await getJson(`/log/v1/proof/consistency?first=${same.tree_size}&second=${same.tree_size}`),
    ).toEqual({ first: same.tree_size, second: same.tree_size, consistency_path: [] });
  });

  it('pages entries at most 1000 at a time', async () => {
    await appendEvents(1005, randomUUID());
    const head = await node.ctx.audit.integrate();
    const { entries } = await getJson<{ entries: LogEntryJson[] }>(
      `/log/v1/entries?start=0&end=${head.treeSize + 500}`,
    );
    expect(entries).toHaveLength(1000);
    expect(entries.every((e, i) => e.leaf_index === i)).toBe(true);
    const tail = await getJson<{ entries: LogEntryJson[] }>(
      `/log/v1/entries?start=${head.treeSize - 3}&end=${head.treeSize + 500}`,
    );
    expect(tail.entries.map((e) => e.leaf_index)).toEqual([
      head.treeSize - 3,
      head.treeSize - 2,
      head.treeSize - 1,
    ]);
  });

  it('answers bad parameters with 400 problems, never 5xx', async () => {
    const size = (await sth()).tree_size;
    const bad = [
      '/log/v1/sth?tree_size=abc',
      '/log/v1/sth?tree_size=-1',
      '/log/v1/sth?tree_size=1.5',
      '/log/v1/sth?tree_size=99999999999999999999',
      '/log/v1/sth?other=1',
      '/log/v1/proof/inclusion?leaf_index=x&tree_size=1',
      '/log/v1/proof/inclusion?leaf_index=0&tree_size=0',
      `/log/v1/proof/inclusion?leaf_index=${size}&tree_size=${size}`,
      `/log/v1/proof/inclusion?leaf_index=0&tree_size=${size + 1}`,
      '/log/v1/proof/inclusion?tree_size=1',
      `/log/v1/proof/inclusion?leaf_index=0&hash=${'A'.repeat(43)}=&tree_size=1`,
      '/log/v1/proof/inclusion?hash=not-a-hash&tree_size=1',
      '/log/v1/proof/inclusion?leaf_index=1&leaf_index=2&tree_size=3',
      '/log/v1/proof/consistency?first=2&second=1',
      '/log/v1/proof/consistency?first=0&second=1',
      `/log/v1/proof/consistency?first=1&second=${size + 1}`,
      '/log/v1/proof/consistency?first=1',
      '/log/v1/proof/consistency?first=a&second=b',
      '/log/v1/entries?start=5&end=5',
      '/log/v1/entries?start=9&end=2',
      `/log/v1/entries?start=${size}&end=${size + 10}`,
      '/log/v1/entries?start=0',
      '/log/v1/entries?start=%20&end=1',
    ];
    for (const path of bad) {
      const r = await node.request(path);
      expect(r.status, path).toBe(400);
      expect(r.headers.get('content-type'), path).toContain('application/problem+json');
      expect((await r.json()).error, path).toBe('invalid_request');
    }
  });

  it('answers 404 for a tree size without a stored head and an unknown leaf hash', async () => {
    await appendEvents(3, randomUUID());
    const head = await node.ctx.audit.integrate();
    const r = await node.request(`/log/v1/sth?tree_size=${head.treeSize - 1}`);
    expect(r.status).toBe(404);
    expect((await r.json()).error).toBe('not_found');
    const unknown = sha256(Buffer.from(randomUUID())).toString('base64');
    const p = await node.request(
      `/log/v1/proof/inclusion?hash=${encodeURIComponent(unknown)}&tree_size=${head.treeSize}`,
    );
    expect(p.status).toBe(404);
  });

  it('lists a person’s entries for the usage log, newest first, by type and page', async () => {
    const personId = randomUUID();
    await node.ctx.db.transaction().execute(async (trx) => {
      for (const type of [
        'auth.completed',
        'signature.completed',
        'auth.completed',
        'auth.failed',
      ]) {
        await node.ctx.audit.append(trx, {
          type,
          actor: 'client:demo',
          personId,
          clientId: 'demo',
          data: { claims: ['given_name'] },
        });
      }
      await node.ctx.audit.append(trx, {
        type: 'auth.completed',
        actor: 'system',
        personId: randomUUID(),
      });
    });
    const all = await node.ctx.audit.listForPerson(node.ctx.db, personId, { limit: 10 });
    expect(all.map((e) => e.type)).toEqual([
      'auth.failed',
      'auth.completed',
      'signature.completed',
      'auth.completed',
    ]);
    expect(all[0]).toMatchObject({ personId, clientId: 'demo', data: { claims: ['given_name'] } });
    expect(all[0]?.time).toBeInstanceOf(Date);
    const auths = await node.ctx.audit.listForPerson(node.ctx.db, personId, {
      types: ['auth.completed'],
      limit: 10,
    });
    expect(auths).toHaveLength(2);
    const page1 = await node.ctx.audit.listForPerson(node.ctx.db, personId, { limit: 2 });
    const page2 = await node.ctx.audit.listForPerson(node.ctx.db, personId, {
      limit: 2,
      before: page1.at(-1)?.id,
    });
    expect([...page1, ...page2].map((e) => e.id)).toEqual(all.map((e) => e.id));
  });

  it('leaves a log that the verifier finds intact', async () => {
    await node.ctx.audit.integrate();
    const publicKey = await findStoredLogPublicKey(node.ctx.db);
    if (!publicKey) throw new Error('no stored key');
    const report = await verifyLog(createDbLogSource(node.ctx.db), { publicKey, pageSize: 100 });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entriesChecked).toBe(report.treeSize);
    expect(report.headsChecked).toBeGreaterThan(5);
  });
});

describe('log sequencer — timer and several nodes', () => {
  it('integrates an entry within the interval without being asked', async () => {
    const node = await startTestNode({ env: { STH_INTERVAL_MS: '20' } });
    try {
      const marker = randomUUID();
      const id = await node.ctx.db
        .transaction()
        .execute((trx) =>
          node.ctx.audit.append(trx, { type: 'test.timer', actor: 'system', data: { marker } }),
        );
      let leafIndex: number | null = null;
      for (let i = 0; i < 500 && leafIndex === null; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const row = await node.ctx.db
          .selectFrom('log_entries')
          .select('leaf_index')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        leafIndex = row.leaf_index;
      }
      expect(leafIndex).not.toBeNull();
      const head = (await (await node.request('/log/v1/sth')).json()) as SignedTreeHeadJson;
      expect(head.tree_size).toBeGreaterThan(leafIndex as number);
    } finally {
      await node.stop();
    }
  });

  it('keeps leaf indexes contiguous when two nodes append and integrate at once', async () => {
    const a = await startTestNode({ env: { STH_INTERVAL_MS: '5' } });
    // On PostgreSQL the second node has its own connection pool, as a separate process would.
    const shared = await withTestDb();
    const own = shared.url ? await openPostgres(shared.url) : undefined;
    const c = await startTestNode({ env: { STH_INTERVAL_MS: '5' }, ...(own ? { db: own } : {}) });
    try {
      const burst = (node: TestNode, who: string) =>
        Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (async () => {
              await node.ctx.db
                .transaction()
                .execute((trx) =>
                  node.ctx.audit.append(trx, { type: 'test.burst', actor: who, data: { i } }),
                );
              if (i % 7 === 0) await node.ctx.audit.integrate();
            })(),
          ),
        );
      await Promise.all([
        burst(a, 'node:a'),
        burst(c, 'node:c'),
        a.ctx.audit.integrate(),
        c.ctx.audit.integrate(),
      ]);
      await Promise.all([a.ctx.audit.integrate(), c.ctx.audit.integrate()]);
      const head = await a.ctx.audit.integrate();
      const publicKey = await findStoredLogPublicKey(a.ctx.db);
      if (!publicKey) throw new Error('no stored key');
      const report = await verifyLog(createDbLogSource(a.ctx.db), { publicKey });
      expect(report.findings).toEqual([]);
      expect(report.treeSize).toBe(head.treeSize);
      expect(report.pending).toBe(0);
    } finally {
      await a.stop();
      await c.stop();
      await own?.close();
    }
  });
});
