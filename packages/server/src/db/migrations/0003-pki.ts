import { type Kysely, sql } from 'kysely';

/** The certificate authority (F7, F8): CA certificates, issued certificates, OCSP and CRL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ca_certificates')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('key_name', 'text', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ca_certificates__pk', ['role', 'generation'])
    .execute();
  await db.schema
    .createTable('certificates')
    .addColumn('serial_hex', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('not_before', 'timestamptz', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revocation_reason', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('certificates__device')
    .on('certificates')
    .columns(['device_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('certificates__person')
    .on('certificates')
    .columns(['person_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('certificates__not_good')
    .on('certificates')
    .column('serial_hex')
    .where(sql.ref('status'), '<>', 'good')
    .execute();
  await db.schema
    .createTable('ocsp_responses')
    .addColumn('serial_hex', 'text', (c) => c.primaryKey())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('this_update', 'timestamptz', (c) => c.notNull())
    .addColumn('next_update', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ocsp_responses__next_update')
    .on('ocsp_responses')
    .column('next_update')
    .execute();
  await db.schema
    .createTable('crls')
    .addColumn('crl_number', 'bigint', (c) => c.primaryKey())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('status_revision', 'bigint', (c) => c.notNull())
    .addColumn('this_update', 'timestamptz', (c) => c.notNull())
    .addColumn('next_update', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('pki_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('status_revision', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into pki_state (id, status_revision) values (1, 0)`.execute(db);
}
