import { canonicalJson } from '@openmid/protocol';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import type { AuditEvent } from './audit-event.js';
import { insertLogEntry } from './audit-store.js';
import { leafHash } from './leaf-hash.js';

export interface AuditService {
  /**
   * Append an event to the tamper-evident log. Pass the caller's transaction so the event commits
   * with the change it records (DESIGN §1). Returns the entry id.
   */
  append(db: Db, event: AuditEvent): Promise<number>;
}

export function createAuditService(deps: { clock: Clock }): AuditService {
  return {
    async append(db, event) {
      const entry = {
        type: event.type,
        actor: event.actor,
        time: deps.clock.now().toISOString(),
        ...(event.personId ? { personId: event.personId } : {}),
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
  };
}
