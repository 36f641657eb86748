import { type Kysely, sql } from 'kysely';

/** The Merkle tree of the audit log (F24): persisted perfect subtrees and signed tree heads. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('log_tree_nodes')
    .addColumn('level', 'smallint', (c) => c.notNull())
    .addColumn('node_index', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_tree_nodes__pk', ['level', 'node_index'])
    .execute();
  // GET /log/v1/proof/inclusion?hash=…: find a leaf by its hash.
  await db.schema
    .createIndex('log_tree_nodes__leaf_hash')
    .on('log_tree_nodes')
    .column('hash')
    .where(sql.ref('level'), '=', 0)
    .execute();
  await db.schema
    .createTable('log_tree_heads')
    .addColumn('tree_size', 'bigint', (c) => c.primaryKey())
    .addColumn('root_hash', 'bytea', (c) => c.notNull())
    .addColumn('timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('signature', 'bytea', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
