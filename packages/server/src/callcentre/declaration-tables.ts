import type { Generated } from 'kysely';

/** Tables owned by callcentre/. */
export interface DeclarationTables {
  declarations: DeclarationTable;
}

export type DeclarationStatus = 'pending' | 'signed' | 'refused' | 'failed';

export interface DeclarationTable {
  id: string;
  /** The signing session (client: the call centre); the signed PDF is the documents row of it. */
  session_id: string;
  /** Null when nobody with an active Mobile ID was found. */
  person_id: string | null;
  title: string;
  source: 'text' | 'pdf';
  status: DeclarationStatus;
  end_result: string | null;
  verification_code: string | null;
  /** The staff member's id. */
  created_by: string;
  created_at: Generated<Date>;
  completed_at: Date | null;
}
