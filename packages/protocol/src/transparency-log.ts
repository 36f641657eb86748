import { canonicalJson } from './signed-data.js';

/**
 * The transparency log's wire format (SPEC §4.2, F24; docs/transparency-log.md). Hashes and
 * signatures are standard base64; sizes, indexes and timestamps are JSON numbers.
 */

/** GET /log/v1/sth */
export interface SignedTreeHeadJson {
  tree_size: number;
  /** MTH of the first tree_size leaves (RFC 9162 §2.1.1), base64. */
  root_hash: string;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  /** ECDSA P-256 with SHA-256, DER (X9.62 Ecdsa-Sig-Value), base64, over treeHeadSignedData(). */
  signature: string;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the log key. */
  key_id: string;
}

/** GET /log/v1/key */
export interface LogKeyJson {
  key_id: string;
  algorithm: 'ES256';
  /** SubjectPublicKeyInfo, PEM. */
  pem: string;
  /** Public JWK with `kid` = key_id. */
  jwk: Record<string, string>;
}

/** GET /log/v1/proof/inclusion */
export interface InclusionProofJson {
  leaf_index: number;
  tree_size: number;
  /** RFC 9162 §2.1.3.1 PATH, deepest node first, base64. */
  audit_path: string[];
}

/** GET /log/v1/proof/consistency */
export interface ConsistencyProofJson {
  first: number;
  second: number;
  /** RFC 9162 §2.1.4.1 PROOF, base64. */
  consistency_path: string[];
}

/** One element of GET /log/v1/entries. */
export interface LogEntryJson {
  leaf_index: number;
  /** The exact leaf bytes (UTF-8): RFC 8785 canonical JSON of the audit event. */
  entry_json: string;
  /** SHA-256(0x00 || entry_json), base64. */
  leaf_hash: string;
  /** When the entry was stored (ISO 8601). */
  time: string;
}

/**
 * The bytes a tree-head signature covers: the UTF-8 RFC 8785 canonical JSON of
 * `{ "root_hash", "timestamp", "tree_size" }` (base64 root, numbers as in the STH).
 */
export function treeHeadSignedData(head: {
  tree_size: number;
  root_hash: string;
  timestamp: number;
}): Uint8Array {
  return new TextEncoder().encode(
    canonicalJson({
      tree_size: head.tree_size,
      root_hash: head.root_hash,
      timestamp: head.timestamp,
    }),
  );
}
