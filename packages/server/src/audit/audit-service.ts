import { createHmac } from 'node:crypto';
import { canonicalJson } from '@openmid/protocol';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import type { KeyVault } from '../keys/key-vault.js';
import type { AuditEvent, LogEntry } from './audit-event.js';
import { insertLogEntry, type LogEntryRow, listLogEntriesOfPerson } from './audit-store.js';
import { leafHash } from './leaf-hash.js';
import { type LogPublicKey, type LogSigningKey, loadOrCreateLogKey } from './log-key.js';
import { createLogReader, type LogReader } from './log-reader.js';
import { hasPendingEntries } from './log-tree-store.js';
import { integrateBatch, SEQUENCER_BATCH_SIZE } from './sequencer.js';
import type { SignedTreeHead } from './tree-head.js';

export interface ListForPersonOptions {
  /** Only these event types. */
  types?: readonly string[] | undefined;
  /** Only entries with an id below this one (the previous page's last id). */
  before?: number | undefined;
  /** 1..1000. */
  limit: number;
}

export interface AuditService extends LogReader {
  /**
   * Append an event to the tamper-evident log. Pass the caller's transaction so the event commits
   * with the change it records (DESIGN §1). Returns the entry id.
   */
  append(db: Db, event: AuditEvent): Promise<number>;
  /** The citizen's usage log (F22): a person's entries, newest first. */
  listForPerson(db: Db, personId: string, options: ListForPersonOptions): Promise<LogEntry[]>;
  /**
   * Integrate every entry committed so far into the tree and return the latest signed head.
   * The sequencer timer calls it; tests call it to make appended entries visible at once.
   */
  integrate(): Promise<SignedTreeHead>;
  /** Run integrate() every intervalMs (0: never) until stop(), which waits for a running batch. */
  startSequencer(options: { intervalMs: number; onError: (error: unknown) => void }): {
    stop(): Promise<void>;
  };
  /** The tree-head signing key's public half (GET /log/v1/key). */
  publicKey(): Promise<LogPublicKey>;
}

function toLogEntry(row: LogEntryRow): LogEntry {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(row.entryJson) as Record<string, unknown>;
  } catch {
    // A damaged entry is still listed; `openmid log verify` reports the damage.
  }
  const data = parsed.data;
  const time = typeof parsed.time === 'string' ? new Date(parsed.time) : row.createdAt;
  return {
    id: row.id,
    leafIndex: row.leafIndex,
    type: row.type,
    actor: row.actor,
    personId: row.personId,
    clientId: row.clientId,
    time: Number.isNaN(time.getTime()) ? row.createdAt : time,
    data: data && typeof data === 'object' ? (data as Record<string, unknown>) : {},
  };
}

export function createAuditService(deps: { db: Db; clock: Clock; vault: KeyVault }): AuditService {
  // /log/v1/entries is public: entries name persons and devices only by a keyed pseudonym, so
  // nobody can follow one citizen across relying parties; the operator (who holds the key) can
  // still tie an entry to its person_id column. docs/transparency-log.md, "Privacy".
  const subjectKey = deps.vault.deriveKey('log-subject');
  const pseudonym = (id: string): string =>
    createHmac('sha256', subjectKey).update(id).digest('base64url');
  const pseudonymousActor = (actor: string): string =>
    actor.startsWith('device:') || actor.startsWith('person:')
      ? `${actor.slice(0, actor.indexOf(':'))}:${pseudonym(actor)}`
      : actor;
  let key: Promise<LogSigningKey> | undefined;
  const signingKey = (): Promise<LogSigningKey> => {
    key ??= loadOrCreateLogKey(deps.db, deps.vault).catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };

  async function integrateNow(): Promise<SignedTreeHead> {
    const reader = createLogReader(deps.db);
    const signer = await signingKey();
    for (;;) {
      if (!(await hasPendingEntries(deps.db))) {
        const head = await reader.latestTreeHead().catch(() => undefined);
        if (head) return head;
      }
      const batch = await deps.db
        .transaction()
        .execute((trx) => integrateBatch(trx, { key: signer, clock: deps.clock }));
      if (batch.integrated < SEQUENCER_BATCH_SIZE) return batch.head;
    }
  }

  // One integration at a time per node; across nodes the advisory lock serialises them.
  let queue: Promise<unknown> = Promise.resolve();
  const integrate = (): Promise<SignedTreeHead> => {
    const run = queue.catch(() => {}).then(integrateNow);
    queue = run;
    return run;
  };

  return {
    ...createLogReader(deps.db),
    async append(db, event) {
      const entry = {
        type: event.type,
        actor: pseudonymousActor(event.actor),
        time: deps.clock.now().toISOString(),
        ...(event.personId ? { subject: pseudonym(event.personId) } : {}),
        ...(event.clientId ? { clientId: event.clientId } : {}),
        ...(event.data ? { data: event.data } : {}),
      };
      const entryJson = canonicalJson(entry);
      return insertLogEntry(db, {
        type: event.type,
        actor: event.actor,
        personId: event.personId ?? null,
        clientId: event.clientId ?? null,
        entryJson,
        leafHash: leafHash(Buffer.from(entryJson, 'utf8')),
      });
    },
    async listForPerson(db, personId, options) {
      const limit = Math.max(1, Math.min(1000, Math.floor(options.limit)));
      const rows = await listLogEntriesOfPerson(db, personId, { ...options, limit });
      return rows.map(toLogEntry);
    },
    integrate,
    startSequencer({ intervalMs, onError }) {
      if (intervalMs <= 0) return { stop: async () => {} };
      let stopped = false;
      let running: Promise<void> = Promise.resolve();
      let timer: NodeJS.Timeout;
      const tick = () => {
        const started = Date.now();
        running = integrate().then(
          () => {},
          (error: unknown) => onError(error),
        );
        void running.then(() => {
          if (stopped) return;
          // Fixed rate: an entry is in the tree within one interval of its commit.
          timer = setTimeout(tick, Math.max(0, intervalMs - (Date.now() - started)));
          timer.unref();
        });
      };
      timer = setTimeout(tick, intervalMs);
      timer.unref();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
        },
      };
    },
    async publicKey() {
      const { publicKey, keyId, pem, jwk } = await signingKey();
      return { publicKey, keyId, pem, jwk };
    },
  };
}
