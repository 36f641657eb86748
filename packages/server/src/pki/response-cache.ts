import type { StoredOcspResponse } from './pki-store.js';

/** Entries kept at most (about 0.6 kB each). */
const MAX_ENTRIES = 100_000;
/** A status change whose transaction never committed stops bypassing the cache after this. */
const EXPECT_TTL_MS = 10 * 60_000;
/** Serve a cached response only while it has at least this long to live. */
const MIN_REMAINING_MS = 30_000;

export interface ResponseCache {
  /** A cached response valid at `now`, unless a status change for the serial is pending. */
  get(serialHex: string, now: Date): Buffer | undefined;
  /** A committed response read from (or just written to) the database. */
  offer(serialHex: string, response: StoredOcspResponse): void;
  /** A status change to `revision` is being written: bypass the cache until it is committed. */
  expect(serialHex: string, revision: number): void;
}

/**
 * The node's cache of pre-signed OCSP responses — only with the embedded database (PGlite),
 * where this process is the only writer, so every status change passes through `expect()` before
 * its transaction commits. The serial then bypasses the cache until a database read shows the new
 * revision, so a change is served from the first request after its commit (SPEC §5). With
 * PostgreSQL several nodes write, so every request reads the database (batched).
 */
export function createResponseCache(dbKind: 'pglite' | 'postgres'): ResponseCache {
  if (dbKind !== 'pglite') {
    return { get: () => undefined, offer: () => {}, expect: () => {} };
  }
  const entries = new Map<string, StoredOcspResponse>();
  const pending = new Map<string, { revision: number; at: number }>();

  const isPending = (serialHex: string, revision?: number): boolean => {
    const p = pending.get(serialHex);
    if (!p) return false;
    if ((revision !== undefined && revision >= p.revision) || Date.now() - p.at > EXPECT_TTL_MS) {
      pending.delete(serialHex);
      return false;
    }
    return true;
  };

  return {
    get(serialHex, now) {
      if (pending.has(serialHex)) return undefined;
      const entry = entries.get(serialHex);
      if (!entry) return undefined;
      if (entry.nextUpdate.getTime() - now.getTime() < MIN_REMAINING_MS) {
        entries.delete(serialHex);
        return undefined;
      }
      return entry.der;
    },
    offer(serialHex, response) {
      if (isPending(serialHex, response.revision)) return;
      const current = entries.get(serialHex);
      if (current && current.revision > response.revision) return;
      if (!current && entries.size >= MAX_ENTRIES) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(serialHex, response);
    },
    expect(serialHex, revision) {
      entries.delete(serialHex);
      const p = pending.get(serialHex);
      if (!p || p.revision < revision) pending.set(serialHex, { revision, at: Date.now() });
    },
  };
}
