import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findStoredLogPublicKey } from '../../src/audit/log-key.js';
import { createDbLogSource } from '../../src/audit/log-source.js';
import { verifyLog } from '../../src/audit/log-verifier.js';
import { type OpenedDb, openPglite, openPostgres } from '../../src/db/db.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { createTestDatabaseUrl, usingPostgres } from '../support/test-db.js';
import {
  freePort,
  startTestNode,
  TEST_ADMIN_TOKEN,
  TEST_MASTER_KEY,
} from '../support/test-node.js';

/** A child process with its stdout collected line by line. */
interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}

const children: Child[] = [];

function start(script: string, env: Record<string, string>): Child {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'DATABASE_URL' && k !== 'DATA_DIR') base[k] = v;
  }
  const child = spawn(process.execPath, [join(ROOT, script)], {
    env: {
      ...base,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      MASTER_KEY: TEST_MASTER_KEY,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      // Heads are signed all the time during the burst, so a kill often lands mid-batch.
      STH_INTERVAL_MS: '5',
      // This test is about the log; two nodes seeding the sandbox at once is not what it measures.
      SANDBOX: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const c = { process: child, lines, exited };
  children.push(c);
  return c;
}

// Generous: on a loaded 2-core CI machine two cold server processes take a while to get going.
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function kill9(...list: Child[]): Promise<void> {
  for (const c of list) c.process.kill('SIGKILL');
  await Promise.all(list.map((c) => c.exited));
}

const committedIds = (c: Child): number[] =>
  c.lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.slice(10)));

async function headCount(db: OpenedDb): Promise<number> {
  const row = await db.db
    .selectFrom('log_tree_heads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst()
    .catch(() => undefined);
  return Number(row?.n ?? 0);
}

/** Restart on the database, integrate, and check the log verifies with every committed id in it. */
async function restartAndCheck(db: OpenedDb, committed: readonly number[]): Promise<void> {
  const node = await startTestNode({ db, env: { STH_INTERVAL_MS: '0' } });
  try {
    const head = await node.ctx.audit.integrate();
    const publicKey = await findStoredLogPublicKey(db.db);
    if (!publicKey) throw new Error('no log key');
    const report = await verifyLog(createDbLogSource(db.db), { publicKey });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.pending).toBe(0);
    const rows = await db.db.selectFrom('log_entries').select(['id', 'leaf_index']).execute();
    expect(rows).toHaveLength(head.treeSize);
    const indexOf = new Map(rows.map((r) => [Number(r.id), r.leaf_index]));
    const missing = committed.filter((id) => typeof indexOf.get(id) !== 'number');
    expect(missing).toEqual([]);
  } finally {
    await node.stop();
  }
}

describe('log sequencer — kill -9 mid-burst', () => {
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await kill9(...children.splice(0).filter((c) => c.process.exitCode === null));
  });

  it.runIf(usingPostgres)(
    'loses no committed entry when two server processes die mid-burst (PostgreSQL)',
    async () => {
      const url = await createTestDatabaseUrl();
      const db = await openPostgres(url, 2);
      try {
        const committed: number[] = [];
        for (let round = 0; round < 2; round++) {
          // The real server (its sequencer timer integrates during the burst) and a second node
          // of the built code that appends in a loop: two processes racing on one database.
          const server = start('packages/server/dist/main.js', {
            DATABASE_URL: url,
            PORT: String(await freePort()),
          });
          const burst = start('packages/server/test/support/log-append-burst.mjs', {
            DATABASE_URL: url,
            PORT: '0',
          });
          const heads = await headCount(db);
          await until('a burst of appends and signed heads', async () => {
            return committedIds(burst).length >= 300 && (await headCount(db)) >= heads + 5;
          });
          await kill9(server, burst);
          committed.push(...committedIds(burst));
        }
        await restartAndCheck(db, committed);
      } finally {
        await db.close();
      }
    },
    400_000,
  );

  it.runIf(!usingPostgres)(
    'loses no committed entry when the embedded database dies mid-burst (PGlite)',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'openmid-crash-'));
      try {
        const committed: number[] = [];
        for (let round = 0; round < 2; round++) {
          const burst = start('packages/server/test/support/log-append-burst.mjs', {
            DATA_DIR: dataDir,
            PORT: '0',
          });
          await until('a burst of appends', () => committedIds(burst).length >= 40);
          await kill9(burst);
          committed.push(...committedIds(burst));
        }
        const db = await openPglite(dataDir);
        try {
          await restartAndCheck(db, committed);
        } finally {
          await db.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
