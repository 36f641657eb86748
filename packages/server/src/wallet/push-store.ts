import { sql } from 'kysely';
import type { Db } from '../db/db.js';

export async function findVapidKeys(
  db: Db,
): Promise<{ publicKey: string; privateKeySealed: string } | undefined> {
  const row = await db
    .selectFrom('push_vapid_keys')
    .select(['public_key', 'private_key_sealed'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return row && { publicKey: row.public_key, privateKeySealed: row.private_key_sealed };
}

/** Insert the key pair unless another node did first (then its pair wins). */
export async function insertVapidKeysIfAbsent(
  db: Db,
  keys: { publicKey: string; privateKeySealed: string },
): Promise<void> {
  await db
    .insertInto('push_vapid_keys')
    .values({ id: 1, public_key: keys.publicKey, private_key_sealed: keys.privateKeySealed })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function upsertPushSubscription(
  db: Db,
  deviceId: string,
  sealed: string,
): Promise<void> {
  await db
    .insertInto('push_subscriptions')
    .values({ device_id: deviceId, subscription_sealed: sealed })
    .onConflict((oc) =>
      oc.column('device_id').doUpdateSet({
        subscription_sealed: sealed,
        failures: 0,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function findPushSubscription(
  db: Db,
  deviceId: string,
): Promise<{ sealed: string; failures: number } | undefined> {
  const row = await db
    .selectFrom('push_subscriptions')
    .select(['subscription_sealed', 'failures'])
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return row && { sealed: row.subscription_sealed, failures: Number(row.failures) };
}

export async function deletePushSubscription(db: Db, deviceId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('push_subscriptions')
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Count a failed delivery; returns the new count. */
export async function countPushFailure(db: Db, deviceId: string): Promise<number> {
  const row = await db
    .updateTable('push_subscriptions')
    .set({ failures: sql`failures + 1` })
    .where('device_id', '=', deviceId)
    .returning('failures')
    .executeTakeFirst();
  return row ? Number(row.failures) : 0;
}

export async function resetPushFailures(db: Db, deviceId: string): Promise<void> {
  await db
    .updateTable('push_subscriptions')
    .set({ failures: 0 })
    .where('device_id', '=', deviceId)
    .where('failures', '>', 0)
    .execute();
}
