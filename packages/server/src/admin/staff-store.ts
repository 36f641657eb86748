import type { Db } from '../db/db.js';
import type { StaffTable } from './staff-tables.js';

export interface StaffRow {
  id: string;
  role: StaffTable['role'];
  name: string;
  tokenHash: Buffer;
  status: StaffTable['status'];
  /** The person who logs in to the consoles as this staff member; null: bearer token only. */
  personId: string | null;
  createdBy: string;
  createdAt: Date;
}

const columns = [
  'id',
  'role',
  'name',
  'token_hash',
  'status',
  'person_id',
  'created_by',
  'created_at',
] as const;

function toRow(r: {
  id: string;
  role: StaffTable['role'];
  name: string;
  token_hash: Buffer;
  status: StaffTable['status'];
  person_id: string | null;
  created_by: string;
  created_at: Date;
}): StaffRow {
  return {
    id: r.id,
    role: r.role,
    name: r.name,
    tokenHash: Buffer.from(r.token_hash),
    status: r.status,
    personId: r.person_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export async function insertStaff(
  db: Db,
  staff: {
    id: string;
    role: StaffTable['role'];
    name: string;
    tokenHash: Buffer;
    personId?: string | undefined;
    createdBy: string;
  },
): Promise<StaffRow> {
  const row = await db
    .insertInto('staff')
    .values({
      id: staff.id,
      role: staff.role,
      name: staff.name,
      token_hash: staff.tokenHash,
      status: 'active',
      person_id: staff.personId ?? null,
      created_by: staff.createdBy,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toRow(row);
}

/** Insert unless a row with this id exists; true when inserted. */
export async function insertStaffIfAbsent(
  db: Db,
  staff: {
    id: string;
    role: StaffTable['role'];
    name: string;
    tokenHash: Buffer;
    createdBy: string;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('staff')
    .values({
      id: staff.id,
      role: staff.role,
      name: staff.name,
      token_hash: staff.tokenHash,
      status: 'active',
      created_by: staff.createdBy,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findStaffById(db: Db, id: string): Promise<StaffRow | undefined> {
  const row = await db.selectFrom('staff').select(columns).where('id', '=', id).executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function findStaffByTokenHash(db: Db, hash: Buffer): Promise<StaffRow | undefined> {
  const row = await db
    .selectFrom('staff')
    .select(columns)
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function listStaff(db: Db): Promise<StaffRow[]> {
  const rows = await db.selectFrom('staff').select(columns).orderBy('created_at').execute();
  return rows.map(toRow);
}

export async function updateStaffToken(db: Db, id: string, tokenHash: Buffer): Promise<void> {
  await db.updateTable('staff').set({ token_hash: tokenHash }).where('id', '=', id).execute();
}

export async function updateStaffStatus(
  db: Db,
  id: string,
  status: StaffTable['status'],
): Promise<StaffRow | undefined> {
  const row = await db
    .updateTable('staff')
    .set({ status })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function findStaffByPersonId(db: Db, personId: string): Promise<StaffRow | undefined> {
  const row = await db
    .selectFrom('staff')
    .select(columns)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/** Link (or unlink, null) the person who logs in as this staff member. */
export async function updateStaffPerson(
  db: Db,
  id: string,
  personId: string | null,
): Promise<StaffRow | undefined> {
  const row = await db
    .updateTable('staff')
    .set({ person_id: personId })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}
