import { type Kysely, sql } from 'kysely';

/**
 * First-party web log-in (web-login/): server-side sessions of the consoles, the citizen portal
 * and the developer portal (only a keyed hash of the session id is stored); staff linked to the
 * person who logs in with Mobile ID; developer sign-ups of the sandbox (developers/).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('audience', 'text', (c) =>
      c.notNull().check(sql`audience in ('staff', 'citizen', 'developer')`),
    )
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('web_sessions_expires')
    .on('web_sessions')
    .column('expires_at')
    .execute();
  await db.schema
    .createIndex('web_sessions_principal')
    .on('web_sessions')
    .columns(['audience', 'principal_id'])
    .execute();

  await db.schema.alterTable('staff').addColumn('person_id', 'text').execute();
  await db.schema.createIndex('staff_person_id').on('staff').column('person_id').unique().execute();

  await db.schema
    .createTable('developer_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'disabled')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('developer_clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('developer_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('developer_clients_developer')
    .on('developer_clients')
    .column('developer_id')
    .execute();
}
