import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { DeviceTable } from './registry-tables.js';

export interface DeviceRow {
  id: string;
  personId: string;
  status: DeviceTable['status'];
  name: string | null;
  keyThumbprint: string;
  publicJwk: string;
  authCertSerial: string | null;
  signCertSerial: string | null;
  keyStore: DeviceTable['key_store'];
  createdAt: Date;
  statusChangedAt: Date;
}

const columns = [
  'id',
  'person_id',
  'status',
  'name',
  'key_thumbprint',
  'public_jwk',
  'auth_cert_serial',
  'sign_cert_serial',
  'key_store',
  'created_at',
  'status_changed_at',
] as const;

const toRow = (r: {
  id: string;
  person_id: string;
  status: DeviceTable['status'];
  name: string | null;
  key_thumbprint: string;
  public_jwk: string;
  auth_cert_serial: string | null;
  sign_cert_serial: string | null;
  key_store: DeviceTable['key_store'];
  created_at: Date;
  status_changed_at: Date;
}): DeviceRow => ({
  id: r.id,
  personId: r.person_id,
  status: r.status,
  name: r.name,
  keyThumbprint: r.key_thumbprint,
  publicJwk: r.public_jwk,
  authCertSerial: r.auth_cert_serial,
  signCertSerial: r.sign_cert_serial,
  keyStore: r.key_store,
  createdAt: r.created_at,
  statusChangedAt: r.status_changed_at,
});

export async function insertDevice(
  db: Db,
  device: {
    id: string;
    personId: string;
    name: string | null;
    keyThumbprint: string;
    publicJwk: string;
    keyStore: DeviceTable['key_store'];
    activationCodeId: string;
  },
): Promise<DeviceRow> {
  const row = await db
    .insertInto('devices')
    .values({
      id: device.id,
      person_id: device.personId,
      status: 'active',
      name: device.name,
      key_thumbprint: device.keyThumbprint,
      public_jwk: device.publicJwk,
      key_store: device.keyStore,
      activation_code_id: device.activationCodeId,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toRow(row);
}

export async function setDeviceCertificates(
  db: Db,
  id: string,
  serials: { auth: string; sign: string },
): Promise<DeviceRow> {
  const row = await db
    .updateTable('devices')
    .set({ auth_cert_serial: serials.auth, sign_cert_serial: serials.sign })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toRow(row);
}

export async function findDeviceById(
  db: Db,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<DeviceRow | undefined> {
  let q = db.selectFrom('devices').select(columns).where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function findDeviceByThumbprint(
  db: Db,
  thumbprint: string,
): Promise<DeviceRow | undefined> {
  const row = await db
    .selectFrom('devices')
    .select(columns)
    .where('key_thumbprint', '=', thumbprint)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function listDevicesOfPerson(db: Db, personId: string): Promise<DeviceRow[]> {
  const rows = await db
    .selectFrom('devices')
    .select(columns)
    .where('person_id', '=', personId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toRow);
}

/** The person's devices that are not revoked (at most one), locked for the caller's transaction. */
export async function lockLiveDevicesOfPerson(db: Db, personId: string): Promise<DeviceRow[]> {
  const rows = await db
    .selectFrom('devices')
    .select(columns)
    .where('person_id', '=', personId)
    .where('status', '<>', 'revoked')
    .forUpdate()
    .execute();
  return rows.map(toRow);
}

export async function findActiveDeviceOfPerson(
  db: Db,
  personId: string,
): Promise<DeviceRow | undefined> {
  const row = await db
    .selectFrom('devices')
    .select(columns)
    .where('person_id', '=', personId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function updateDeviceStatus(
  db: Db,
  id: string,
  status: DeviceTable['status'],
  now: Date,
): Promise<DeviceRow> {
  const row = await db
    .updateTable('devices')
    .set({ status, status_changed_at: sql<Date>`${now}` })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toRow(row);
}
