/** Tables owned by web-login/: server-side sessions of the platform's own web apps. */
export interface WebLoginTables {
  web_sessions: WebSessionTable;
}

export interface WebSessionTable {
  /** HMAC-SHA256 of the random session id (the cookie value) under a key from the master key. */
  id_hash: Buffer;
  audience: 'staff' | 'citizen' | 'developer';
  /** staff: the staff id; citizen: the person id; developer: the developer account id. */
  principal_id: string;
  created_at: Date;
  last_seen_at: Date;
  /** The absolute end of the session (the idle limit is counted from last_seen_at). */
  expires_at: Date;
}
