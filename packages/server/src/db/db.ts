import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './tables.js';

export type Db = Kysely<Database>;

export interface OpenedDb {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** PostgreSQL connection string when kind is postgres (the bus needs its own connection). */
  url?: string;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
const BYTEA = 17;

// Both backends return the same JS types: int8 as number (our counters stay far below 2^53),
// bytea as Buffer (the PGlite dialect wraps its Uint8Arrays).
function bytea(text: string): Buffer {
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'binary');
}

export async function openPglite(dataDir: string | undefined): Promise<OpenedDb> {
  let dir: string | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    dir = join(dataDir, 'pglite');
  }
  const client = new PGlite(dir, {
    parsers: {
      [INT8]: (v: string) => Number(v),
      [NUMERIC]: (v: string) => Number(v),
      [BYTEA]: bytea,
    },
  });
  await client.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

export async function openPostgres(url: string, poolSize = 10): Promise<OpenedDb> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A broken idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', url, close: () => db.destroy() };
}

export function openDb(options: {
  databaseUrl: string | undefined;
  dataDir: string | undefined;
}): Promise<OpenedDb> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}
