import type { Db } from '../db/db.js';
import type { DocumentTable } from './document-tables.js';

/** SQL for documents/ (the only file of the module that writes SQL). */
export type NewDocument = Omit<DocumentTable, 'created_at'>;
export type DocumentRow = DocumentTable & { created_at: Date };

export async function insertDocument(db: Db, row: NewDocument): Promise<void> {
  await db.insertInto('documents').values(row).execute();
}

export async function findBySession(
  db: Db,
  clientId: string,
  sessionId: string,
): Promise<DocumentRow | undefined> {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('client_id', '=', clientId)
    .executeTakeFirst() as Promise<DocumentRow | undefined>;
}

/** Record the outcome once: the first node to finish wins, later writers change nothing. */
export async function finishDocument(
  db: Db,
  id: string,
  update: { status: 'signed' | 'failed'; signedDocument?: Buffer; error?: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('documents')
    .set({
      status: update.status,
      signed_document: update.signedDocument ?? null,
      error: update.error ?? null,
      completed_at: update.at,
      prepared: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteExpired(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('documents')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listTrustAnchors(
  db: Db,
): Promise<{ fingerprint: string; subject: string; certificate: Buffer; created_at: Date }[]> {
  return db
    .selectFrom('trust_anchors')
    .select(['fingerprint', 'subject', 'certificate', 'created_at'])
    .orderBy('created_at')
    .execute();
}

/** Insert unless present; true when it was new. */
export async function insertTrustAnchor(
  db: Db,
  row: { fingerprint: string; subject: string; certificate: Buffer; added_by: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('trust_anchors')
    .values(row)
    .onConflict((oc) => oc.column('fingerprint').doNothing())
    .returning('fingerprint')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function deleteTrustAnchor(db: Db, fingerprint: string): Promise<boolean> {
  const result = await db
    .deleteFrom('trust_anchors')
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
