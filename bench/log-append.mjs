// Audit log throughput (F24): appends/s through audit.append (one transaction each, as callers
// do) plus the sequencer integrating them, against a reference measured in the same run: plain
// single-row inserts of the same values into an unindexed table of the same width.
// PGlite always; PostgreSQL when DATABASE_URL is set (a scratch database is created and dropped).
// Needs a build (npm run build). BENCH_LOG_N sets the number of entries.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { createAuditService } from '../packages/server/dist/audit/audit-service.js';
import { leafHash } from '../packages/server/dist/audit/leaf-hash.js';
import { systemClock } from '../packages/server/dist/clock.js';
import { openPglite, openPostgres } from '../packages/server/dist/db/db.js';
import { migrateToLatest } from '../packages/server/dist/db/migrate.js';
import { createKeyVault } from '../packages/server/dist/keys/key-vault.js';

const N = Number(process.env.BENCH_LOG_N ?? 3000);

const event = (i) => ({
  type: 'certificate.issued',
  actor: 'device:0d4c3b1a-7f1e-4c55-9a43-0f6f3c2b9e11',
  personId: '5b0e6f0e-3c0c-4d0e-8a34-0c1f9f6b2a77',
  clientId: 'demo-rp',
  data: { serial: `7f${i.toString(16).padStart(30, '0')}`, purpose: 'sign' },
});

async function measure(name, opened) {
  const { db } = opened;
  await migrateToLatest(db);
  await sql`create table bench_reference (id bigint, leaf_index bigint, type text, actor text,
    person_id text, client_id text, entry_json text, leaf_hash bytea,
    created_at timestamptz default now())`.execute(db);
  const audit = createAuditService({
    db,
    clock: systemClock,
    vault: createKeyVault(randomBytes(32)),
  });
  await audit.integrate(); // create the key and the empty head outside the timing

  const sample = JSON.stringify(event(0));
  const hash = leafHash(Buffer.from(sample));
  const insertReference = (i) => {
    const e = event(i);
    return db.transaction().execute((trx) =>
      sql`insert into bench_reference (id, type, actor, person_id, client_id, entry_json, leaf_hash)
          values (${i}, ${e.type}, ${e.actor}, ${e.personId}, ${e.clientId}, ${sample}, ${hash})`.execute(
        trx,
      ),
    );
  };
  const append = (i) => db.transaction().execute((trx) => audit.append(trx, event(i)));

  // Warm up, then alternate rounds of both so background load hits them alike.
  for (let i = 0; i < 100; i++) {
    await insertReference(i);
    await append(i);
  }
  await audit.integrate();
  const before = (await audit.latestTreeHead()).treeSize;
  let reference = 0;
  let appending = 0;
  let sequencing = 0;
  const ROUNDS = 10;
  for (let round = 0; round < ROUNDS; round++) {
    const from = (round * N) / ROUNDS;
    const to = ((round + 1) * N) / ROUNDS;
    let t = performance.now();
    for (let i = from; i < to; i++) await insertReference(i);
    reference += performance.now() - t;
    t = performance.now();
    for (let i = from; i < to; i++) await append(i);
    appending += performance.now() - t;
    t = performance.now();
    await audit.integrate();
    sequencing += performance.now() - t;
  }
  const head = await audit.latestTreeHead();
  if (head.treeSize - before !== N)
    throw new Error(`expected ${N} new leaves, got ${head.treeSize - before}`);

  const rate = (ms) => Math.round((N / ms) * 1000);
  const total = appending + sequencing;
  console.log(
    `${name.padEnd(10)} reference inserts ${String(rate(reference)).padStart(6)}/s | ` +
      `append ${String(rate(appending)).padStart(6)}/s, sequence ${String(rate(sequencing)).padStart(6)}/s, ` +
      `append+sequence ${String(rate(total)).padStart(6)}/s = ${(reference / total).toFixed(2)}× reference`,
  );
}

console.log(`audit log: ${N} entries, one transaction per append, integrate() every ${N / 10}`);
const lite = await openPglite(undefined);
try {
  await measure('PGlite', lite);
} finally {
  await lite.close();
}

if (process.env.DATABASE_URL) {
  const name = `openmid_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  const opened = await openPostgres(url.toString());
  try {
    await measure('PostgreSQL', opened);
  } finally {
    await opened.close();
    await admin.query(`drop database ${name}`);
    await admin.end();
  }
} else {
  console.log('PostgreSQL skipped: set DATABASE_URL');
}
