import { type Kysely, sql } from 'kysely';

/**
 * The digital ID card and offline verification (F20, F21): issued credentials with their index in
 * the token status list, the issuer keys, and the verifier registry (roles as data, organisations,
 * verifier devices). The three roles of SPEC F21 are seeded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credential_issuer_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull().unique())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('retired_at', 'timestamptz')
    .execute();
  await sql`create sequence credential_status_index_seq minvalue 0 start with 0`.execute(db);
  await db.schema
    .createTable('credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('status_index', 'integer', (c) => c.notNull().unique())
    .addColumn('status', 'smallint', (c) =>
      c.notNull().defaultTo(0).check(sql`status in (0, 1, 2)`),
    )
    .addColumn('claims_digest', 'text', (c) => c.notNull())
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('superseded_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('credentials__device')
    .on('credentials')
    .columns(['device_id', 'issued_at'])
    .execute();
  await db.schema
    .createTable('credential_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('status_revision', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into credential_state (id, status_revision) values (1, 0)`.execute(db);

  await db.schema
    .createTable('verifier_roles')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into verifier_roles (name, claims, description, created_by) values
    ('police', '["given_name","family_name","birthdate","nationality","national_id","document_number","picture","age_over_18","age_over_21"]', 'Police: full identity and photo', 'system'),
    ('shop', '["age_over_18","picture"]', 'Shop: over 18 and the photo', 'system'),
    ('hotel', '["given_name","family_name","nationality","document_number"]', 'Hotel: names, nationality and document number', 'system')`.execute(
    db,
  );
  await db.schema
    .createTable('verifier_organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('verifier_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('verifier_organisations.id'),
    )
    .addColumn('role', 'text', (c) => c.notNull().references('verifier_roles.name'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'active', 'revoked')`),
    )
    .addColumn('enrolment_hash', 'bytea')
    .addColumn('enrolment_expires_at', 'timestamptz')
    .addColumn('enrolment_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('certificate_serial', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('enrolled_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('verifier_devices__organisation')
    .on('verifier_devices')
    .column('organisation_id')
    .execute();
}
