import type { Db } from '../db/db.js';

export interface SandboxDeviceRow {
  nationalId: string;
  outcome: string;
  personId: string;
  deviceId: string;
  keyStoreSealed: string;
}

export async function listSandboxDevices(db: Db): Promise<SandboxDeviceRow[]> {
  const rows = await db.selectFrom('sandbox_devices').selectAll().execute();
  return rows.map((r) => ({
    nationalId: r.national_id,
    outcome: r.outcome,
    personId: r.person_id,
    deviceId: r.device_id,
    keyStoreSealed: r.key_store_sealed,
  }));
}

/** Insert unless another node seeded the same person first. */
export async function insertSandboxDevice(db: Db, row: SandboxDeviceRow): Promise<void> {
  await db
    .insertInto('sandbox_devices')
    .values({
      national_id: row.nationalId,
      outcome: row.outcome,
      person_id: row.personId,
      device_id: row.deviceId,
      key_store_sealed: row.keyStoreSealed,
    })
    .onConflict((oc) => oc.column('national_id').doNothing())
    .execute();
}
