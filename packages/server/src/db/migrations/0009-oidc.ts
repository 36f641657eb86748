import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('consumed_at', 'timestamptz')
    .addPrimaryKeyConstraint('oidc_payloads__pk', ['model', 'id'])
    .execute();
  await db.schema
    .createIndex('oidc_payloads__grant_id')
    .on('oidc_payloads')
    .column('grant_id')
    .where(sql.ref('grant_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('oidc_payloads__model_uid')
    .on('oidc_payloads')
    .columns(['model', 'uid'])
    .where(sql.ref('uid'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('oidc_payloads__model_user_code')
    .on('oidc_payloads')
    .columns(['model', 'user_code'])
    .where(sql.ref('user_code'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('oidc_payloads__expires_at')
    .on('oidc_payloads')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('oidc_mid_sessions')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('qr_secret', 'text')
    .addColumn('qr_token', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('polled_at', 'timestamptz')
    .execute();
}
