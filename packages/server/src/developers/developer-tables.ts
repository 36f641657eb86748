import type { Generated } from 'kysely';

/** Tables owned by developers/: sandbox sign-ups of relying parties' developers (F26). */
export interface DeveloperTables {
  developer_accounts: DeveloperAccountTable;
  developer_clients: DeveloperClientTable;
}

export interface DeveloperAccountTable {
  id: string;
  /** HMAC-SHA256 of the lower-cased e-mail address (one account per address). */
  email_hash: Buffer;
  /** { email, name } sealed under the master key, bound to the id. */
  sealed: string;
  status: Generated<'active' | 'disabled'>;
  created_at: Generated<Date>;
}

export interface DeveloperClientTable {
  client_id: string;
  developer_id: string;
  created_at: Generated<Date>;
}
