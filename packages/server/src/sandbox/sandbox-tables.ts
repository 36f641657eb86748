import type { Generated } from 'kysely';

/** Tables owned by sandbox/: the virtual phones of the sandbox test persons (F26). */
export interface SandboxTables {
  sandbox_devices: SandboxDeviceTable;
}

export interface SandboxDeviceTable {
  national_id: string;
  outcome: string;
  person_id: string;
  device_id: string;
  /** The device SDK's software key store state, sealed under the master key. */
  key_store_sealed: string;
  created_at: Generated<Date>;
}
