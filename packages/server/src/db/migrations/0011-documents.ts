import { type Kysely, sql } from 'kysely';

/**
 * Documents being signed through the RP API (F16): the prepared document and the signed
 * attributes the phone signs, then the signed result. Rows expire (retention) unless kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('prepared', 'bytea')
    .addColumn('byte_range', 'text')
    .addColumn('signed_attributes', 'bytea', (c) => c.notNull())
    .addColumn('signer_certificate', 'bytea')
    .addColumn('signed_document', 'bytea')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('documents__expires_at')
    .on('documents')
    .column('expires_at')
    .where(sql.ref('expires_at'), 'is not', null)
    .execute();
}
