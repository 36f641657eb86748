import type { Db } from '../db/db.js';
import type { VerifierDeviceTable } from './verifier-tables.js';

/** SQL of verifiers/ (CONVENTIONS §7): roles, organisations, verifier devices. */

export interface RoleRow {
  name: string;
  claims: string[];
  description: string;
}

export async function listRoleRows(db: Db): Promise<RoleRow[]> {
  const rows = await db
    .selectFrom('verifier_roles')
    .select(['name', 'claims', 'description'])
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ ...r, claims: JSON.parse(r.claims) as string[] }));
}

export async function findRoleRow(db: Db, name: string): Promise<RoleRow | undefined> {
  const r = await db
    .selectFrom('verifier_roles')
    .select(['name', 'claims', 'description'])
    .where('name', '=', name)
    .executeTakeFirst();
  return r && { ...r, claims: JSON.parse(r.claims) as string[] };
}

/** Insert or replace a role's claim set; returns whether it existed before. */
export async function upsertRoleRow(db: Db, row: RoleRow, actor: string): Promise<boolean> {
  const existed = await findRoleRow(db, row.name);
  await db
    .insertInto('verifier_roles')
    .values({
      name: row.name,
      claims: JSON.stringify(row.claims),
      description: row.description,
      created_by: actor,
    })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ claims: JSON.stringify(row.claims), description: row.description }),
    )
    .execute();
  return existed !== undefined;
}

export interface OrganisationRow {
  id: string;
  name: string;
  createdAt: Date;
}

/** Insert unless the name is taken; undefined when it is. */
export async function insertOrganisation(
  db: Db,
  row: { id: string; name: string; createdBy: string },
): Promise<OrganisationRow | undefined> {
  const r = await db
    .insertInto('verifier_organisations')
    .values({ id: row.id, name: row.name, created_by: row.createdBy })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning(['id', 'name', 'created_at'])
    .executeTakeFirst();
  return r && { id: r.id, name: r.name, createdAt: r.created_at };
}

export async function findOrganisation(db: Db, id: string): Promise<OrganisationRow | undefined> {
  const r = await db
    .selectFrom('verifier_organisations')
    .select(['id', 'name', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r && { id: r.id, name: r.name, createdAt: r.created_at };
}

export async function listOrganisations(db: Db): Promise<OrganisationRow[]> {
  const rows = await db
    .selectFrom('verifier_organisations')
    .select(['id', 'name', 'created_at'])
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
}

export interface VerifierDeviceRow {
  id: string;
  organisationId: string;
  role: string;
  name: string;
  status: VerifierDeviceTable['status'];
  enrolmentHash: Buffer | null;
  enrolmentExpiresAt: Date | null;
  enrolmentFailures: number;
  certificateSerial: string | null;
  createdAt: Date;
  enrolledAt: Date | null;
}

const deviceColumns = [
  'id',
  'organisation_id',
  'role',
  'name',
  'status',
  'enrolment_hash',
  'enrolment_expires_at',
  'enrolment_failures',
  'certificate_serial',
  'created_at',
  'enrolled_at',
] as const;

type DeviceSelect = {
  id: string;
  organisation_id: string;
  role: string;
  name: string;
  status: VerifierDeviceTable['status'];
  enrolment_hash: Buffer | null;
  enrolment_expires_at: Date | null;
  enrolment_failures: number;
  certificate_serial: string | null;
  created_at: Date;
  enrolled_at: Date | null;
};

const toDevice = (r: DeviceSelect): VerifierDeviceRow => ({
  id: r.id,
  organisationId: r.organisation_id,
  role: r.role,
  name: r.name,
  status: r.status,
  enrolmentHash: r.enrolment_hash,
  enrolmentExpiresAt: r.enrolment_expires_at,
  enrolmentFailures: Number(r.enrolment_failures),
  certificateSerial: r.certificate_serial,
  createdAt: r.created_at,
  enrolledAt: r.enrolled_at,
});

export async function insertVerifierDevice(
  db: Db,
  row: {
    id: string;
    organisationId: string;
    role: string;
    name: string;
    enrolmentHash: Buffer;
    enrolmentExpiresAt: Date;
    createdBy: string;
  },
): Promise<boolean> {
  const r = await db
    .insertInto('verifier_devices')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      role: row.role,
      name: row.name,
      status: 'pending',
      enrolment_hash: row.enrolmentHash,
      enrolment_expires_at: row.enrolmentExpiresAt,
      created_by: row.createdBy,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findVerifierDevice(
  db: Db,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<VerifierDeviceRow | undefined> {
  let q = db.selectFrom('verifier_devices').select(deviceColumns).where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r && toDevice(r as DeviceSelect);
}

export async function listVerifierDevices(
  db: Db,
  organisationId: string,
): Promise<VerifierDeviceRow[]> {
  const rows = await db
    .selectFrom('verifier_devices')
    .select(deviceColumns)
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => toDevice(r as DeviceSelect));
}

export async function recordEnrolmentFailure(db: Db, id: string): Promise<number> {
  const r = await db
    .updateTable('verifier_devices')
    .set((eb) => ({ enrolment_failures: eb('enrolment_failures', '+', 1) }))
    .where('id', '=', id)
    .returning('enrolment_failures')
    .executeTakeFirstOrThrow();
  return Number(r.enrolment_failures);
}

export async function markEnrolled(
  db: Db,
  id: string,
  certificateSerial: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('verifier_devices')
    .set({
      status: 'active',
      certificate_serial: certificateSerial,
      enrolled_at: at,
      enrolment_hash: null,
      enrolment_expires_at: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function markRevoked(db: Db, id: string): Promise<void> {
  await db
    .updateTable('verifier_devices')
    .set({ status: 'revoked', enrolment_hash: null, enrolment_expires_at: null })
    .where('id', '=', id)
    .execute();
}
