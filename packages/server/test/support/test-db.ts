import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type OpenedDb, openPglite, openPostgres } from '../../src/db/db.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/**
 * The database of one test worker (CONVENTIONS §8): PostgreSQL when DATABASE_URL is set (a fresh
 * database per worker), otherwise PGlite in memory. Migrated once; tests isolate by unique data.
 */
let shared: Promise<TestDb> | undefined;

export interface TestDb extends OpenedDb {
  /** For PostgreSQL, the URL of this worker's own database (other processes can join it). */
  url?: string;
}

export const usingPostgres = Boolean(process.env.DATABASE_URL);

export async function createTestDatabaseUrl(): Promise<string> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `openmid_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

async function open(): Promise<TestDb> {
  if (usingPostgres) {
    const url = await createTestDatabaseUrl();
    const db = await openPostgres(url);
    await migrateToLatest(db.db as never);
    return db;
  }
  const db = await openPglite(undefined);
  await migrateToLatest(db.db as never);
  return db;
}

export function withTestDb(): Promise<TestDb> {
  shared ??= open();
  return shared;
}

/** A separate, fresh database (for tests that need an empty one, e.g. a second CA). */
export function freshTestDb(): Promise<TestDb> {
  return open();
}
