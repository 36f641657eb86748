import type { ColumnType } from 'kysely';

/** Tables owned by sessions/ (migration 0008). */
export interface SessionTables {
  sessions: SessionTable;
  idempotency_keys: IdempotencyKeyTable;
}

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null, string | null>;

/** The stored end result of a completed session: base64 strings, never personal data values. */
export interface StoredResult {
  signature?: { value: string; algorithm: string; signedData?: string };
  certificate?: string;
  certificateSerial?: string;
  ocspResponse?: string;
  approvedClaims?: string[];
  keyStore?: 'software' | 'hardware';
}

export interface SessionTable {
  id: string;
  client_id: string;
  kind: 'auth' | 'sign' | 'certificate-choice';
  origin: string;
  flow: 'notification' | 'qr';
  state: 'RUNNING' | 'COMPLETE';
  person_id: string | null;
  device_id: string | null;
  /** The client's display name when the session started: what the phone shows and signs. */
  rp_name: string;
  hash: Buffer | null;
  hash_type: 'SHA256' | 'SHA384' | 'SHA512' | null;
  display_text: string | null;
  verification_code: string | null;
  vc_choices: NullableJson<string[]>;
  claims: Json<string[]>;
  qr_token: string | null;
  /** The QR secret sealed under the master key (label 'qr-secret'). */
  qr_secret_sealed: string | null;
  created_at: Date;
  expires_at: Date;
  completed_at: Date | null;
  end_result: string | null;
  result: NullableJson<StoredResult>;
}

export interface IdempotencyKeyTable {
  client_id: string;
  key: string;
  /** SHA-256 of the method, path and body: the same key with another request is a conflict. */
  request_hash: Buffer;
  session_id: string;
  /** The 201 body returned the first time. */
  response: Json<Record<string, unknown>>;
  created_at: Date;
}
