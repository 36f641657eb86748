import type { Db } from '../db/db.js';

export interface DeveloperRow {
  id: string;
  emailHash: Buffer;
  sealed: string;
  status: 'active' | 'disabled';
  createdAt: Date;
}

export async function insertDeveloper(
  db: Db,
  row: { id: string; emailHash: Buffer; sealed: string },
): Promise<void> {
  await db
    .insertInto('developer_accounts')
    .values({ id: row.id, email_hash: row.emailHash, sealed: row.sealed })
    .execute();
}

function toRow(r: {
  id: string;
  email_hash: Buffer;
  sealed: string;
  status: 'active' | 'disabled';
  created_at: Date;
}): DeveloperRow {
  return {
    id: r.id,
    emailHash: Buffer.from(r.email_hash),
    sealed: r.sealed,
    status: r.status,
    createdAt: r.created_at,
  };
}

export async function findDeveloperById(db: Db, id: string): Promise<DeveloperRow | undefined> {
  const r = await db
    .selectFrom('developer_accounts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toRow(r) : undefined;
}

export async function findDeveloperByEmailHash(
  db: Db,
  emailHash: Buffer,
): Promise<DeveloperRow | undefined> {
  const r = await db
    .selectFrom('developer_accounts')
    .selectAll()
    .where('email_hash', '=', emailHash)
    .executeTakeFirst();
  return r ? toRow(r) : undefined;
}

export async function linkDeveloperClient(
  db: Db,
  developerId: string,
  clientId: string,
): Promise<void> {
  await db
    .insertInto('developer_clients')
    .values({ client_id: clientId, developer_id: developerId })
    .execute();
}

export async function clientIdsOfDeveloper(db: Db, developerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('developer_clients')
    .select('client_id')
    .where('developer_id', '=', developerId)
    .execute();
  return rows.map((r) => r.client_id);
}

export async function developerOfClient(db: Db, clientId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('developer_clients')
    .select('developer_id')
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return r?.developer_id;
}
