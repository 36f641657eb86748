import type { Generated } from 'kysely';

/** Tables owned by registry/: persons, devices, activation codes. */
export interface RegistryTables {
  persons: PersonTable;
  devices: DeviceTable;
  activation_codes: ActivationCodeTable;
}

export interface PersonTable {
  id: string;
  /** HMAC-SHA256 of the national id under a key derived from the master key (look-up only). */
  national_id_hash: Buffer;
  /** HMAC-SHA256 of the E.164 phone number, or null. */
  phone_hash: Buffer | null;
  /** AES-256-GCM envelope (keys/key-vault.ts) of the person's data as JSON, labelled by id. */
  sealed: string;
  status: 'active' | 'deceased' | 'blocked';
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DeviceTable {
  id: string;
  person_id: string;
  status: 'active' | 'suspended' | 'revoked';
  name: string | null;
  /** RFC 7638 thumbprint of the device key (the key that signs device proofs). */
  key_thumbprint: string;
  /** The device public key as a JWK (JSON). */
  public_jwk: string;
  auth_cert_serial: string | null;
  sign_cert_serial: string | null;
  key_store: 'software' | 'hardware';
  activation_code_id: string;
  created_at: Generated<Date>;
  status_changed_at: Generated<Date>;
}

export interface ActivationCodeTable {
  /** The code's public id part (the first two groups), the look-up key. */
  id: string;
  person_id: string;
  /** HMAC-SHA256 of the secret part under a derived key. */
  secret_hash: Buffer;
  /** The PUK sealed under the master key until activation releases it; then null. */
  puk_sealed: string | null;
  status: 'active' | 'consumed' | 'locked' | 'superseded';
  failed_attempts: Generated<number>;
  expires_at: Date;
  created_by: string;
  created_at: Generated<Date>;
  consumed_at: Date | null;
  device_id: string | null;
}
