import type { Generated } from 'kysely';

/** Tables owned by the platform core (db/, keys/). */
export interface CoreTables {
  /** Secrets and keys, encrypted under the master key; owned by keys/. */
  stored_keys: StoredKeyTable;
  /** Small named settings (e.g. install id); owned by db/. */
  settings: SettingTable;
}

export interface StoredKeyTable {
  name: string;
  /** AES-256-GCM envelope of the PKCS#8 private key or secret (keys/key-vault.ts). */
  sealed: string;
  public_data: string | null;
  created_at: Generated<Date>;
}

export interface SettingTable {
  name: string;
  value: string;
  updated_at: Generated<Date>;
}
