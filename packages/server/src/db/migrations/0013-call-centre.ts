import { type Kysely, sql } from 'kysely';

/**
 * Call-centre confirmation (F19): the `call_centre` staff role and the declarations its agents
 * send to a citizen's phone. The signed PDF itself is a row of `documents` (by session id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The role check of 0005 is the column's unnamed CHECK, which PostgreSQL names staff_role_check.
  await sql`alter table staff drop constraint staff_role_check`.execute(db);
  await sql`alter table staff add constraint staff_role_check check (role in ('operator', 'officer', 'auditor', 'call_centre'))`.execute(
    db,
  );

  await db.schema
    .createTable('declarations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('text', 'pdf')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'signed', 'refused', 'failed')`),
    )
    .addColumn('end_result', 'text')
    .addColumn('verification_code', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('declarations__created_by__created_at')
    .on('declarations')
    .columns(['created_by', 'created_at'])
    .execute();
  await db.schema
    .createIndex('declarations__created_at')
    .on('declarations')
    .column('created_at')
    .execute();
}
