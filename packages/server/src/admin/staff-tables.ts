import type { Generated } from 'kysely';

/** Tables owned by admin/: the staff who use the admin API. */
export interface StaffTables {
  staff: StaffTable;
}

export interface StaffTable {
  id: string;
  role: 'operator' | 'officer' | 'auditor' | 'call_centre';
  name: string;
  /** HMAC-SHA256 of the bearer token under a key derived from the master key. */
  token_hash: Buffer;
  status: 'active' | 'disabled';
  /** The person (registry) who logs in to the consoles as this staff member with Mobile ID. */
  person_id: string | null;
  created_by: string;
  created_at: Generated<Date>;
}
