import type { ColumnType, Generated } from 'kysely';
import type { ClientEnvironment, ClientRegistration } from './client-service.js';

/** Tables owned by clients/: registered relying parties (F26). */
export interface ClientTables {
  clients: ClientTable;
}

export interface ClientTable {
  client_id: string;
  client_name: string;
  environment: ClientEnvironment;
  status: Generated<'active' | 'disabled'>;
  /** The validated registration (RFC 7591 names), never the secret. */
  metadata: ColumnType<ClientRegistration, string, string>;
  allowed_claims: ColumnType<string[], string, string>;
  /** Pairwise sector (DESIGN §4). */
  sector: string;
  /** HMAC-SHA256 of the secret under a key derived from the master key. */
  secret_hash: Buffer;
  created_by: string;
  created_at: Generated<Date>;
}
