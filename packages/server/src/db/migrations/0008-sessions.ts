import { type Kysely, sql } from 'kysely';

/**
 * Mobile ID sessions (sessions/): one row per authentication, certificate choice or signature,
 * a state machine RUNNING → COMPLETE that any node may advance with a conditional UPDATE.
 * Idempotency keys of the RP API (SPEC §4.3) live beside them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('auth', 'sign', 'certificate-choice')`),
    )
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('flow', 'text', (c) => c.notNull().check(sql`flow in ('notification', 'qr')`))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('RUNNING', 'COMPLETE')`))
    .addColumn('person_id', 'text')
    .addColumn('device_id', 'text')
    .addColumn('rp_name', 'text', (c) => c.notNull())
    .addColumn('hash', 'bytea')
    .addColumn('hash_type', 'text')
    .addColumn('display_text', 'text')
    .addColumn('verification_code', 'text')
    .addColumn('vc_choices', 'jsonb')
    .addColumn('claims', 'jsonb', (c) => c.notNull())
    .addColumn('qr_token', 'text', (c) => c.unique())
    .addColumn('qr_secret_sealed', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addColumn('end_result', 'text')
    .addColumn('result', 'jsonb')
    .execute();
  // One running session per person (F13): the phone shows one request at a time.
  await sql`create unique index sessions_one_running_per_person on sessions (person_id)
    where state = 'RUNNING' and person_id is not null`.execute(db);
  await sql`create index sessions_running_by_device on sessions (device_id)
    where state = 'RUNNING'`.execute(db);
  await sql`create index sessions_running_by_expiry on sessions (expires_at)
    where state = 'RUNNING'`.execute(db);
  await db.schema.createIndex('sessions_created_at').on('sessions').column('created_at').execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'bytea', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['client_id', 'key'])
    .execute();

  // Sandbox (F26): the virtual phones of the test persons with fixed outcomes (sandbox/).
  await db.schema
    .createTable('sandbox_devices')
    .addColumn('national_id', 'text', (c) => c.primaryKey())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('key_store_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
