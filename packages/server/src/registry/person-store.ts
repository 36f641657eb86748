import type { Db } from '../db/db.js';
import type { PersonTable } from './registry-tables.js';

export interface PersonRow {
  id: string;
  sealed: string;
  status: PersonTable['status'];
  createdAt: Date;
}

const columns = ['id', 'sealed', 'status', 'created_at'] as const;
const toRow = (r: {
  id: string;
  sealed: string;
  status: PersonTable['status'];
  created_at: Date;
}): PersonRow => ({ id: r.id, sealed: r.sealed, status: r.status, createdAt: r.created_at });

export async function insertPerson(
  db: Db,
  person: {
    id: string;
    nationalIdHash: Buffer;
    phoneHash: Buffer | null;
    sealed: string;
    createdBy: string;
  },
): Promise<PersonRow> {
  const row = await db
    .insertInto('persons')
    .values({
      id: person.id,
      national_id_hash: person.nationalIdHash,
      phone_hash: person.phoneHash,
      sealed: person.sealed,
      status: 'active',
      created_by: person.createdBy,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toRow(row);
}

/** Replace a person's sealed data and phone look-up hash (the national id never changes). */
export async function updatePersonData(
  db: Db,
  id: string,
  update: { sealed: string; phoneHash: Buffer | null },
): Promise<PersonRow | undefined> {
  const row = await db
    .updateTable('persons')
    .set({ sealed: update.sealed, phone_hash: update.phoneHash })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function findPersonRowById(db: Db, id: string): Promise<PersonRow | undefined> {
  const row = await db
    .selectFrom('persons')
    .select(columns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function findPersonRowByNationalIdHash(
  db: Db,
  hash: Buffer,
): Promise<PersonRow | undefined> {
  const row = await db
    .selectFrom('persons')
    .select(columns)
    .where('national_id_hash', '=', hash)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function findPersonRowByPhoneHash(
  db: Db,
  hash: Buffer,
): Promise<PersonRow | undefined> {
  const row = await db
    .selectFrom('persons')
    .select(columns)
    .where('phone_hash', '=', hash)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}
