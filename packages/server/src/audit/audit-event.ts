/** A security-relevant event for the tamper-evident log (F24) and the citizen's usage log (F22). */
export interface AuditEvent {
  /** Dotted event type, e.g. 'certificate.issued', 'person.created', 'auth.completed'. */
  type: string;
  /** Who caused it: 'operator:<id>', 'officer:<id>', 'client:<id>', 'device:<id>', 'system'. */
  actor: string;
  personId?: string | undefined;
  clientId?: string | undefined;
  /** Event details. Never personal data values or secrets: names of released claims, not values. */
  data?: Record<string, unknown> | undefined;
}

/** A stored log entry as the citizen's usage log (F22) and auditors read it. */
export interface LogEntry {
  id: number;
  /** Position in the Merkle tree; null until sequenced. */
  leafIndex: number | null;
  type: string;
  actor: string;
  personId: string | null;
  clientId: string | null;
  time: Date;
  data: Record<string, unknown>;
}
