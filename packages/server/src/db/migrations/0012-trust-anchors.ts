import { type Kysely, sql } from 'kysely';

/** CAs the operator adds to the validation trust list (F17), beside our own root and issuing CA. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trust_anchors')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('certificate', 'bytea', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
