import { type Kysely, sql } from 'kysely';

/**
 * Registry (persons, devices, activation codes), staff of the admin API and the device-proof
 * replay table. Personal data is sealed; only keyed-HMAC
 * look-up columns are in the clear.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('operator', 'officer', 'auditor')`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'disabled')`),
    )
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('national_id_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('phone_hash', 'bytea', (c) => c.unique())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'deceased', 'blocked')`),
    )
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('active', 'suspended', 'revoked')`),
    )
    .addColumn('name', 'text')
    .addColumn('key_thumbprint', 'text', (c) => c.notNull().unique())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('auth_cert_serial', 'text')
    .addColumn('sign_cert_serial', 'text')
    .addColumn('key_store', 'text', (c) =>
      c.notNull().check(sql`key_store in ('software', 'hardware')`),
    )
    .addColumn('activation_code_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('devices_person').on('devices').columns(['person_id']).execute();
  // One device per person that is not revoked: re-registration revokes the previous one first.
  await db.schema
    .createIndex('devices_one_live_per_person')
    .on('devices')
    .column('person_id')
    .unique()
    .where(sql.ref('status'), '<>', 'revoked')
    .execute();

  await db.schema
    .createTable('activation_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('secret_hash', 'bytea', (c) => c.notNull())
    .addColumn('puk_sealed', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'consumed', 'locked', 'superseded')`),
    )
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('device_id', 'text')
    .execute();
  await db.schema
    .createIndex('activation_codes_person')
    .on('activation_codes')
    .columns(['person_id'])
    .execute();

  // Device-proof jti values seen within the freshness window (replay protection, RFC 9449 §11.1).
  await db.schema
    .createTable('device_proof_jtis')
    .addColumn('key_thumbprint', 'text', (c) => c.notNull())
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_proof_jtis_pk', ['key_thumbprint', 'jti'])
    .execute();
  await db.schema
    .createIndex('device_proof_jtis_expiry')
    .on('device_proof_jtis')
    .column('expires_at')
    .execute();
}
