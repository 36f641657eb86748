import type { Generated } from 'kysely';

/** Tables owned by wallet/: Web Push for the wallet (migration 0014). */
export interface WalletTables {
  push_vapid_keys: PushVapidKeyTable;
  push_subscriptions: PushSubscriptionTable;
}

export interface PushVapidKeyTable {
  /** Always 1: the platform has one VAPID key pair. */
  id: number;
  /** base64url uncompressed P-256 point (the browser's applicationServerKey). */
  public_key: string;
  /** The private scalar, sealed under the master key (label `vapid-private-key`). */
  private_key_sealed: string;
  created_at: Generated<Date>;
}

export interface PushSubscriptionTable {
  device_id: string;
  /** JSON `{endpoint, keys: {p256dh, auth}}`, sealed (label `push-subscription`). */
  subscription_sealed: string;
  /** Consecutive failed deliveries; the subscription is dropped after a few. */
  failures: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
