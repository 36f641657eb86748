import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('log_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('leaf_index', 'bigint', (c) => c.unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('entry_json', 'text', (c) => c.notNull())
    .addColumn('leaf_hash', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('log_entries_person')
    .on('log_entries')
    .columns(['person_id', 'id'])
    .execute();
  await db.schema
    .createIndex('log_entries_unsequenced')
    .on('log_entries')
    .column('id')
    .where(sql.ref('leaf_index'), 'is', null)
    .execute();
}
