import type { Db } from '../db/db.js';
import type { DeclarationStatus, DeclarationTable } from './declaration-tables.js';

/** SQL for callcentre/ (the only file of the module that writes SQL). */
export type DeclarationRow = Omit<DeclarationTable, 'created_at'> & { created_at: Date };

export async function insertDeclaration(
  db: Db,
  row: Omit<DeclarationTable, 'created_at'> & { created_at: Date },
): Promise<void> {
  await db.insertInto('declarations').values(row).execute();
}

export async function findDeclaration(db: Db, id: string): Promise<DeclarationRow | undefined> {
  return db.selectFrom('declarations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; only one staff member's when createdBy is given. */
export async function listDeclarations(
  db: Db,
  options: { createdBy?: string; status?: DeclarationStatus; before?: Date; limit: number },
): Promise<DeclarationRow[]> {
  let query = db.selectFrom('declarations').selectAll();
  if (options.createdBy !== undefined) query = query.where('created_by', '=', options.createdBy);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  if (options.before !== undefined) query = query.where('created_at', '<', options.before);
  return query.orderBy('created_at', 'desc').orderBy('id').limit(options.limit).execute();
}

/** Record the outcome once: the first writer wins; false when it was already recorded. */
export async function finishDeclaration(
  db: Db,
  id: string,
  update: { status: Exclude<DeclarationStatus, 'pending'>; endResult: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('declarations')
    .set({ status: update.status, end_result: update.endResult, completed_at: update.at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
