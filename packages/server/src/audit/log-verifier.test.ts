import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { leafHash } from './leaf-hash.js';
import { describePublicKey, type LogSigningKey } from './log-key.js';
import { type LogSource, verifyLog } from './log-verifier.js';
import { appendLeaves, foldNodes, nodeKeyId, type TreeNode } from './merkle.js';
import { type SignedTreeHead, signTreeHead } from './tree-head.js';

interface Entry {
  id: number;
  leafIndex: number | null;
  entryJson: string;
  leafHash: Buffer;
}

/** An in-memory log as the sequencer would leave it, open to tampering. */
function buildLog(key: LogSigningKey, batches: readonly number[]) {
  const entries: Entry[] = [];
  const nodes = new Map<string, Buffer>();
  const heads: SignedTreeHead[] = [];
  let frontier: TreeNode[] = [];
  let size = 0;
  heads.push(signTreeHead(key, { treeSize: 0, rootHash: foldNodes([]), timestamp: 1000 }));
  for (const batch of batches) {
    const hashes: Buffer[] = [];
    for (let i = 0; i < batch; i++) {
      const entryJson = JSON.stringify({ type: 'test.event', n: size + i });
      const hash = leafHash(Buffer.from(entryJson));
      entries.push({ id: 100 + size + i, leafIndex: size + i, entryJson, leafHash: hash });
      hashes.push(hash);
    }
    const step = appendLeaves(frontier, size, hashes);
    for (const n of step.completed) nodes.set(nodeKeyId(n), n.hash);
    frontier = step.frontier;
    size = step.size;
    heads.push(
      signTreeHead(key, {
        treeSize: size,
        rootHash: foldNodes(frontier.map((f) => f.hash)),
        timestamp: 1000 + size,
      }),
    );
  }
  const source: LogSource = {
    latestTreeHead: async () => heads.at(-1),
    listTreeHeads: async (after, limit) => heads.filter((h) => h.treeSize > after).slice(0, limit),
    listEntries: async (start, end) =>
      entries
        .filter((e) => e.leafIndex !== null && e.leafIndex >= start && e.leafIndex < end)
        .sort((a, b) => (a.leafIndex as number) - (b.leafIndex as number)),
    listLeafNodes: async (start, end) =>
      [...nodes]
        .map(([id, hash]) => ({ id: id.split(':').map(Number) as [number, number], hash }))
        .filter(({ id }) => id[0] === 0 && id[1] >= start && id[1] < end)
        .map(({ id, hash }) => ({ index: id[1], hash }))
        .sort((a, b) => a.index - b.index),
    findTreeNodes: async (keys) => {
      const found = new Map<string, Buffer>();
      for (const k of keys) {
        const h = nodes.get(nodeKeyId(k));
        if (h) found.set(nodeKeyId(k), h);
      }
      return found;
    },
    summarize: async () => ({
      maxLeafIndex: Math.max(-1, ...entries.map((e) => e.leafIndex ?? -1)),
      pending: entries.filter((e) => e.leafIndex === null).length,
      maxLeafNodeIndex: size - 1,
    }),
  };
  return { entries, nodes, heads, source };
}

describe('verifyLog — F24 verifier', () => {
  let key: LogSigningKey;
  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const loaded = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    key = { privateKey: loaded, ...(await describePublicKey(createPublicKey(loaded))) };
  });
  const options = () => ({ publicKey: key, pageSize: 3 });

  it('accepts an intact log across page boundaries', async () => {
    const log = buildLog(key, [1, 4, 7, 2, 16]);
    const report = await verifyLog(log.source, options());
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ ok: true, treeSize: 30, entriesChecked: 30, headsChecked: 6 });
  });

  it('pairs moved entries and tells them from rewritten and deleted ones', async () => {
    const log = buildLog(key, [10, 10]);
    const at = (i: number) => log.entries.find((e) => e.leafIndex === i) as Entry;
    // Entry 3 moved into the hole left by deleting entry 8; entry 5 rewritten.
    log.entries.splice(log.entries.indexOf(at(8)), 1);
    at(3).leafIndex = 8;
    const five = at(5);
    five.entryJson = five.entryJson.replace('test.event', 'test.other');
    const report = await verifyLog(log.source, options());
    const summary = report.findings
      .filter((f) => f.kind !== 'head-root')
      .map((f) => [f.kind, f.leafIndex, f.sequencedAt, f.entryId]);
    expect(summary).toEqual([
      ['rewritten', 5, undefined, 105],
      ['reordered', 8, 3, 103],
      ['deleted', 8, undefined, undefined],
    ]);
    const roots = report.findings.filter((f) => f.kind === 'head-root');
    expect(roots.map((f) => f.message)).toEqual([
      'tree heads of sizes 10..20 (2 heads) do not match the log: leaf_index 3 is missing; the difference lies in leaf_index 0..9',
    ]);
  });

  it('reports a leaf_hash column changed under intact bytes, and entries beyond the signed tree', async () => {
    const log = buildLog(key, [6]);
    (log.entries[2] as Entry).leafHash = Buffer.alloc(32);
    log.entries.push({
      id: 999,
      leafIndex: 6,
      entryJson: '{"type":"test.sneaked"}',
      leafHash: leafHash(Buffer.from('{"type":"test.sneaked"}')),
    });
    const report = await verifyLog(log.source, options());
    expect(report.findings.map((f) => [f.kind, f.leafIndex])).toEqual([
      ['leaf-hash-column', 2],
      ['unexpected-entry', 6],
    ]);
  });

  it('reports heads signed with another key, out of time order or with a lost tree node', async () => {
    const log = buildLog(key, [3, 3, 3]);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const otherKey = { privateKey: other, ...(await describePublicKey(createPublicKey(other))) };
    const h6 = log.heads.findIndex((h) => h.treeSize === 6);
    log.heads[h6] = signTreeHead(otherKey, { ...(log.heads[h6] as SignedTreeHead), timestamp: 1 });
    log.nodes.delete('1:2');
    const report = await verifyLog(log.source, options());
    expect(report.findings.map((f) => `${f.kind}@${f.treeSize}`).sort()).toEqual(
      [
        'head-key@6',
        'head-signature@6',
        'head-timestamp@6',
        'head-consistency@6',
        'head-consistency@9',
      ].sort(),
    );
  });

  it('caps the listed findings and counts the rest', async () => {
    const log = buildLog(key, [40]);
    for (const e of log.entries) e.entryJson += ' ';
    const report = await verifyLog(log.source, { ...options(), maxFindings: 5 });
    expect(report.ok).toBe(false);
    expect(report.findings).toHaveLength(5);
    expect(report.findingsOmitted).toBe(36);
  });

  it('reports a log without any signed head', async () => {
    const log = buildLog(key, []);
    log.heads.length = 0;
    const report = await verifyLog(log.source, options());
    expect(report.findings.map((f) => f.kind)).toEqual(['no-tree-head']);
  });
});
