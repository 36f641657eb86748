import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { leafHash } from '../../src/audit/leaf-hash.js';
import { findStoredLogPublicKey } from '../../src/audit/log-key.js';
import { createDbLogSource } from '../../src/audit/log-source.js';
import { type VerifyReport, verifyLog } from '../../src/audit/log-verifier.js';
import { type Db, type OpenedDb, openPglite } from '../../src/db/db.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { freshTestDb, usingPostgres } from '../support/test-db.js';
import { startTestNode, TEST_MASTER_KEY } from '../support/test-node.js';

interface BuiltLog {
  db: OpenedDb;
  /** Entry id by leaf index. */
  ids: number[];
}

/** A fresh database holding a log of 23 entries integrated in four batches (four signed heads). */
async function buildLog(db: OpenedDb): Promise<BuiltLog> {
  const node = await startTestNode({ db, env: { STH_INTERVAL_MS: '0' } });
  try {
    // Start-up events (the bootstrap operator's creation) are already in the tree: fill the first
    // batch up to five so the heads stay at sizes 5, 6, 15 and 23.
    const startup = await node.ctx.db
      .selectFrom('log_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const batch of [5 - Number(startup.n), 1, 9, 8]) {
      await node.ctx.db.transaction().execute(async (trx) => {
        for (let i = 0; i < batch; i++) {
          await node.ctx.audit.append(trx, {
            type: 'test.tamper',
            actor: 'system',
            personId: randomUUID(),
            data: { batch, i },
          });
        }
      });
      await node.ctx.audit.integrate();
    }
  } finally {
    await node.stop();
  }
  const rows = await db.db
    .selectFrom('log_entries')
    .select(['id', 'leaf_index'])
    .orderBy('leaf_index')
    .execute();
  return { db, ids: rows.map((r) => Number(r.id)) };
}

async function verify(db: Db): Promise<VerifyReport> {
  const publicKey = await findStoredLogPublicKey(db);
  if (!publicKey) throw new Error('no log key');
  return verifyLog(createDbLogSource(db), { publicKey, pageSize: 4 });
}

/** Tampering as an attacker with database access would do it. */
const tamper = {
  async rewrite(db: Db, leafIndex: number, alsoFixLeafHash: boolean): Promise<void> {
    const row = await db
      .selectFrom('log_entries')
      .select('entry_json')
      .where('leaf_index', '=', leafIndex)
      .executeTakeFirstOrThrow();
    const forged = row.entry_json.replace('"test.tamper"', '"test.harmless"');
    await db
      .updateTable('log_entries')
      .set({
        entry_json: forged,
        type: 'test.harmless',
        ...(alsoFixLeafHash ? { leaf_hash: leafHash(Buffer.from(forged, 'utf8')) } : {}),
      })
      .where('leaf_index', '=', leafIndex)
      .execute();
  },
  async delete(db: Db, leafIndex: number): Promise<void> {
    await db.deleteFrom('log_entries').where('leaf_index', '=', leafIndex).execute();
  },
  async swap(db: Db, a: number, b: number): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('log_entries')
        .set({ leaf_index: -1 })
        .where('leaf_index', '=', a)
        .execute();
      await trx
        .updateTable('log_entries')
        .set({ leaf_index: a })
        .where('leaf_index', '=', b)
        .execute();
      await trx
        .updateTable('log_entries')
        .set({ leaf_index: b })
        .where('leaf_index', '=', -1)
        .execute();
    });
  },
};

describe('openmid log verify — the verifier function', () => {
  it('finds an untouched log intact', async () => {
    const { db } = await buildLog(await freshTestDb());
    try {
      const report = await verify(db.db);
      expect(report.findings).toEqual([]);
      expect(report).toMatchObject({ ok: true, treeSize: 23, entriesChecked: 23, pending: 0 });
      expect(report.headsChecked).toBe(5); // the empty tree and four batches
    } finally {
      await db.close();
    }
  });

  it('reports a rewritten entry, even when the attacker also fixed its leaf_hash', async () => {
    const { db, ids } = await buildLog(await freshTestDb());
    try {
      await tamper.rewrite(db.db, 7, true);
      await tamper.rewrite(db.db, 19, false);
      const report = await verify(db.db);
      expect(report.ok).toBe(false);
      const rewritten = report.findings.filter((f) => f.kind === 'rewritten');
      expect(rewritten.map((f) => [f.leafIndex, f.entryId])).toEqual([
        [7, ids[7]],
        [19, ids[19]],
      ]);
      expect(rewritten[0]?.message).toContain(`entry ${ids[7]} at leaf_index 7 was rewritten`);
      // The heads signed after entry 7 no longer match, and the report says where to look.
      const roots = report.findings.filter((f) => f.kind === 'head-root');
      expect(roots).toHaveLength(1);
      expect(roots[0]?.message).toContain('sizes 15..23 (2 heads)');
      expect(roots[0]?.message).toContain('leaf_index 6..14');
      expect(report.findings.some((f) => f.kind === 'deleted' || f.kind === 'reordered')).toBe(
        false,
      );
    } finally {
      await db.close();
    }
  });

  it('reports a deleted entry and entries cut from the end', async () => {
    const { db } = await buildLog(await freshTestDb());
    try {
      await tamper.delete(db.db, 3);
      await tamper.delete(db.db, 21);
      await tamper.delete(db.db, 22);
      const report = await verify(db.db);
      expect(report.ok).toBe(false);
      const deleted = report.findings.filter((f) => f.kind === 'deleted');
      expect(deleted.map((f) => [f.leafIndex, f.endIndex])).toEqual([
        [3, 4],
        [21, 23],
      ]);
      expect(deleted[0]?.message).toBe('leaf_index 3 is missing: the entry was deleted');
      expect(deleted[1]?.message).toContain(
        'leaf_index 21..22 are missing: 2 entries were deleted',
      );
      expect(report.findings.some((f) => f.kind === 'head-root')).toBe(true);
      expect(report.entriesChecked).toBe(20);
    } finally {
      await db.close();
    }
  });

  it('reports two entries whose indexes were swapped as reordered', async () => {
    const { db, ids } = await buildLog(await freshTestDb());
    try {
      await tamper.swap(db.db, 2, 12);
      const report = await verify(db.db);
      expect(report.ok).toBe(false);
      const reordered = report.findings.filter((f) => f.kind === 'reordered');
      expect(reordered.map((f) => [f.leafIndex, f.sequencedAt, f.entryId])).toEqual([
        [2, 12, ids[12]],
        [12, 2, ids[2]],
      ]);
      expect(report.findings.some((f) => f.kind === 'rewritten' || f.kind === 'deleted')).toBe(
        false,
      );
    } finally {
      await db.close();
    }
  });

  it('reports a forged tree head signature and a stored subtree that breaks a consistency proof', async () => {
    const { db } = await buildLog(await freshTestDb());
    try {
      await db.db
        .updateTable('log_tree_heads')
        .set({ timestamp_ms: sql`timestamp_ms + 1` })
        .where('tree_size', '=', 6)
        .execute();
      await db.db
        .updateTable('log_tree_nodes')
        .set({ hash: Buffer.alloc(32, 7) })
        .where('level', '=', 3)
        .where('node_index', '=', 0)
        .execute();
      const report = await verify(db.db);
      const kinds = report.findings.map((f) => `${f.kind}@${f.treeSize}`);
      expect(kinds).toContain('head-signature@6');
      expect(kinds).toContain('head-consistency@23');
      // The entries themselves are intact.
      expect(
        report.findings.some((f) =>
          ['rewritten', 'deleted', 'reordered', 'head-root'].includes(f.kind),
        ),
      ).toBe(false);
    } finally {
      await db.close();
    }
  });
});

describe('log sequencer — on a damaged tree', () => {
  it('refuses to sign over stored subtrees that no longer match the signed head, and the node still starts', async () => {
    const { db } = await buildLog(await freshTestDb());
    try {
      // The frontier of the 23-leaf tree starts with the perfect subtree of leaves 0..15.
      await db.db
        .updateTable('log_tree_nodes')
        .set({ hash: Buffer.alloc(32, 1) })
        .where('level', '=', 4)
        .where('node_index', '=', 0)
        .execute();
      const node = await startTestNode({ db, env: { STH_INTERVAL_MS: '0' } });
      try {
        await node.ctx.db
          .transaction()
          .execute((trx) => node.ctx.audit.append(trx, { type: 'test.after', actor: 'system' }));
        await expect(node.ctx.audit.integrate()).rejects.toThrow(
          /do not match the signed head of size 23/,
        );
        const sth = await node.request('/log/v1/sth');
        expect(sth.status).toBe(200);
        expect((await sth.json()).tree_size).toBe(23);
      } finally {
        await node.stop();
      }
    } finally {
      await db.close();
    }
  });
});

/** Run `node packages/server/bin/openmid.js …` as an operator would. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'DATABASE_URL' && k !== 'DATA_DIR') base[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'packages/server/bin/openmid.js'), ...args], {
      env: { ...base, NODE_ENV: 'test', MASTER_KEY: TEST_MASTER_KEY, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('openmid log verify — the command', () => {
  beforeAll(() => ensureBuilt());

  it.runIf(usingPostgres)(
    'exits 0 on an intact log and 1 with a report for each tampering (PostgreSQL)',
    async () => {
      for (const scenario of ['none', 'rewrite', 'delete', 'swap'] as const) {
        const fresh = await freshTestDb();
        const { db, ids } = await buildLog(fresh);
        try {
          if (scenario === 'rewrite') await tamper.rewrite(db.db, 10, true);
          if (scenario === 'delete') await tamper.delete(db.db, 4);
          if (scenario === 'swap') await tamper.swap(db.db, 0, 22);
          const { code, out } = await runCli(['log', 'verify'], { DATABASE_URL: db.url as string });
          if (scenario === 'none') {
            expect(code, out).toBe(0);
            expect(out).toContain('OK: every entry is in place and unaltered');
            expect(out).toContain('23 entries and 5 signed tree heads checked');
            continue;
          }
          expect(code, out).toBe(1);
          expect(out).toContain('FAILED');
          if (scenario === 'rewrite') {
            expect(out).toContain(`rewritten: entry ${ids[10]} at leaf_index 10 was rewritten`);
          }
          if (scenario === 'delete') {
            expect(out).toContain('deleted: leaf_index 4 is missing: the entry was deleted');
          }
          if (scenario === 'swap') {
            expect(out).toContain(
              `reordered: entry ${ids[22]} is at leaf_index 0 but was sequenced at leaf_index 22`,
            );
            expect(out).toContain(
              `reordered: entry ${ids[0]} is at leaf_index 22 but was sequenced at leaf_index 0`,
            );
          }
          const json = await runCli(['log', 'verify', '--json'], {
            DATABASE_URL: db.url as string,
          });
          expect(json.code).toBe(1);
          expect((JSON.parse(json.out) as VerifyReport).ok).toBe(false);
        } finally {
          await db.close();
        }
      }
    },
  );

  it('verifies the embedded database in DATA_DIR (PGlite), then finds a deletion', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'openmid-verify-'));
    try {
      let db = await openPglite(dataDir);
      await migrateToLatest(db.db as never);
      await buildLog(db);
      await db.close();
      const intact = await runCli(['log', 'verify'], { DATA_DIR: dataDir });
      expect(intact.code, intact.out).toBe(0);

      db = await openPglite(dataDir);
      await tamper.delete(db.db, 0);
      await db.close();
      const broken = await runCli(['log', 'verify'], { DATA_DIR: dataDir });
      expect(broken.code, broken.out).toBe(1);
      expect(broken.out).toContain('deleted: leaf_index 0 is missing');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses bad usage with exit code 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'openmid-verify-'));
    try {
      expect((await runCli(['log', 'verify', '--bogus'], { DATA_DIR: empty })).code).toBe(2);
      expect((await runCli(['log', 'nothing'], { DATA_DIR: empty })).code).toBe(2);
      const noDb = await runCli(['log', 'verify'], { DATA_DIR: empty });
      expect(noDb.code).toBe(2);
      expect(noDb.out).toContain('no database');
      const help = await runCli(['--help'], {});
      expect(help.code).toBe(0);
      expect(help.out).toContain('log verify');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('trusts a pinned public key over the stored one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'openmid-verify-'));
    try {
      const db = await openPglite(dataDir);
      await migrateToLatest(db.db as never);
      await buildLog(db);
      await db.close();
      const other = join(dataDir, 'other.pem');
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(other, publicKey.export({ format: 'pem', type: 'spki' }));
      const r = await runCli(['log', 'verify', '--public-key', other], { DATA_DIR: dataDir });
      expect(r.code, r.out).toBe(1);
      expect(r.out).toContain('head-signature');
      expect(r.out).toContain('head-key');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
