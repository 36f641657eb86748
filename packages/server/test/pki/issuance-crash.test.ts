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
import { startTestNode, TEST_ADMIN_TOKEN, TEST_MASTER_KEY } from '../support/test-node.js';

interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}
const children: Child[] = [];

function burst(env: Record<string, string>): Child {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'DATABASE_URL' && k !== 'DATA_DIR') base[k] = v;
  }
  const child = spawn(
    process.execPath,
    [join(ROOT, 'packages/server/test/support/issue-burst.mjs')],
    {
      env: {
        ...base,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        MASTER_KEY: TEST_MASTER_KEY,
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        STH_INTERVAL_MS: '5',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const c = { process: child, lines, exited };
  children.push(c);
  return c;
}

const issued = (c: Child) =>
  c.lines.filter((l) => l.startsWith('issued ')).map((l) => l.slice('issued '.length));

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function kill9(c: Child): Promise<void> {
  c.process.kill('SIGKILL');
  await c.exited;
}

/** Every committed serial is stored, every stored certificate has exactly one log entry. */
async function restartAndCheck(db: OpenedDb, committed: readonly string[]): Promise<void> {
  const node = await startTestNode({ db, env: { STH_INTERVAL_MS: '0' } });
  try {
    await node.ctx.audit.integrate();
    const publicKey = await findStoredLogPublicKey(db.db);
    if (!publicKey) throw new Error('no log key');
    const report = await verifyLog(createDbLogSource(db.db), { publicKey });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    const certs = await db.db.selectFrom('certificates').select('serial_hex').execute();
    const stored = new Set(certs.map((c) => c.serial_hex));
    expect(committed.filter((s) => !stored.has(s))).toEqual([]);
    const entries = await db.db
      .selectFrom('log_entries')
      .select('entry_json')
      .where('type', '=', 'certificate.issued')
      .execute();
    const logged = entries.map(
      (e) => (JSON.parse(e.entry_json) as { data: { serial: string } }).data.serial,
    );
    expect(new Set(logged).size).toBe(logged.length); // never issued twice
    expect([...stored].sort()).toEqual([...logged].sort()); // none lost from the log, none extra
  } finally {
    await node.stop();
  }
}

describe('certificate issuance — kill -9 mid-burst (F7, F24)', () => {
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.process.exitCode === null) await kill9(c);
  });

  it('loses no issued certificate and logs each exactly once', async () => {
    let url: string | undefined;
    let dataDir: string | undefined;
    const env: Record<string, string> = {};
    if (usingPostgres) {
      url = await createTestDatabaseUrl();
      env.DATABASE_URL = url;
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'openmid-issue-crash-'));
      env.DATA_DIR = dataDir;
    }
    try {
      const committed: string[] = [];
      for (let round = 0; round < 2; round++) {
        const child = burst(env);
        await until('a burst of issuances', () => issued(child).length >= 15);
        await kill9(child);
        committed.push(...issued(child));
      }
      const db = url ? await openPostgres(url, 2) : await openPglite(dataDir);
      try {
        await restartAndCheck(db, committed);
      } finally {
        await db.close();
      }
    } finally {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
