import type { NodeKey } from './merkle.js';
import type { SignedTreeHead } from './tree-head.js';

/** What the verifier reads (createDbLogSource in log-source.ts, or a fake in tests). */
export interface LogSource {
  latestTreeHead(): Promise<SignedTreeHead | undefined>;
  /** Heads with tree_size > afterSize, smallest first. */
  listTreeHeads(afterSize: number, limit: number): Promise<SignedTreeHead[]>;
  /** Entries with leaf index in [start, end), by leaf index. */
  listEntries(
    start: number,
    end: number,
  ): Promise<{ id: number; leafIndex: number | null; entryJson: string; leafHash: Buffer }[]>;
  /** Leaf hashes as the sequencer recorded them (level-0 tree nodes) in [start, end). */
  listLeafNodes(start: number, end: number): Promise<{ index: number; hash: Buffer }[]>;
  findTreeNodes(keys: readonly NodeKey[]): Promise<Map<string, Buffer>>;
  summarize(): Promise<{
    maxLeafIndex: number | null;
    pending: number;
    maxLeafNodeIndex: number | null;
  }>;
}

export type FindingKind =
  | 'rewritten'
  | 'reordered'
  | 'deleted'
  | 'leaf-hash-column'
  | 'unexpected-entry'
  | 'missing-tree-node'
  | 'head-signature'
  | 'head-key'
  | 'head-timestamp'
  | 'head-root'
  | 'head-consistency'
  | 'no-tree-head';

export interface Finding {
  kind: FindingKind;
  message: string;
  leafIndex?: number;
  /** The other position of a reordered entry: where it was sequenced. */
  sequencedAt?: number;
  entryId?: number;
  /** For deletions: the missing range [leafIndex, endIndex). */
  endIndex?: number;
  treeSize?: number;
}

export type Report = (finding: Finding) => void;
