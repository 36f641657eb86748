import type { Db } from '../db/db.js';
import type { WebSessionTable } from './web-login-tables.js';

export interface WebSessionRow {
  idHash: Buffer;
  audience: WebSessionTable['audience'];
  principalId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function insertWebSession(db: Db, row: WebSessionRow): Promise<void> {
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: row.idHash,
      audience: row.audience,
      principal_id: row.principalId,
      created_at: row.createdAt,
      last_seen_at: row.lastSeenAt,
      expires_at: row.expiresAt,
    })
    .execute();
}

export async function findWebSession(db: Db, idHash: Buffer): Promise<WebSessionRow | undefined> {
  const r = await db
    .selectFrom('web_sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    idHash: Buffer.from(r.id_hash),
    audience: r.audience,
    principalId: r.principal_id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  };
}

export async function touchWebSession(db: Db, idHash: Buffer, at: Date): Promise<void> {
  await db
    .updateTable('web_sessions')
    .set({ last_seen_at: at })
    .where('id_hash', '=', idHash)
    .execute();
}

/** Delete one session; true when it existed. */
export async function deleteWebSession(db: Db, idHash: Buffer): Promise<boolean> {
  const result = await db
    .deleteFrom('web_sessions')
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** End every session of one principal (a staff member disabled, a developer's account closed). */
export async function deleteWebSessionsOf(
  db: Db,
  audience: WebSessionTable['audience'],
  principalId: string,
): Promise<number> {
  const result = await db
    .deleteFrom('web_sessions')
    .where('audience', '=', audience)
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Delete sessions past their absolute end or idle since before `idleBefore`. */
export async function deleteExpiredWebSessions(
  db: Db,
  now: Date,
  idleBefore: Date,
): Promise<number> {
  const result = await db
    .deleteFrom('web_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
