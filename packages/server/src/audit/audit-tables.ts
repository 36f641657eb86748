import type { Generated } from 'kysely';

/** Tables owned by audit/: the tamper-evident log (RFC 9162 style). */
export interface AuditTables {
  log_entries: LogEntryTable;
  log_tree_nodes: LogTreeNodeTable;
  log_tree_heads: LogTreeHeadTable;
}

export interface LogEntryTable {
  /** Insertion order; leaf_index is assigned by the sequencer in the same order. */
  id: Generated<number>;
  /** Position in the Merkle tree; null until the sequencer integrates the entry. */
  leaf_index: number | null;
  type: string;
  /** Who caused it: 'operator:<id>', 'officer:<id>', 'client:<id>', 'device:<id>', 'system'. */
  actor: string;
  /** The person the event concerns, for the citizen's usage log (F22). */
  person_id: string | null;
  /** The relying party involved, if any. */
  client_id: string | null;
  /** RFC 8785 canonical JSON of the whole entry: the exact bytes the leaf hash covers. */
  entry_json: string;
  /** SHA-256(0x00 || entry_json bytes). */
  leaf_hash: Buffer;
  created_at: Generated<Date>;
}

/**
 * A perfect subtree of the Merkle tree, stored once when it completes: level L, index i covers
 * leaves [i·2^L, (i+1)·2^L). Level 0 is the leaf hash as sequenced, the verifier's reference.
 */
export interface LogTreeNodeTable {
  level: number;
  node_index: number;
  hash: Buffer;
}

/** A signed tree head, one per tree size. */
export interface LogTreeHeadTable {
  tree_size: number;
  root_hash: Buffer;
  /** Milliseconds since the epoch, as signed. */
  timestamp_ms: number;
  /** DER ECDSA P-256 / SHA-256 signature over the signed bytes (docs/transparency-log.md). */
  signature: Buffer;
  /** RFC 7638 thumbprint of the log key. */
  key_id: string;
  created_at: Generated<Date>;
}
