import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import type { KeyVault } from '../keys/key-vault.js';
import { keyedHash } from '../keys/keyed-hash.js';
import {
  deleteExpiredWebSessions,
  deleteWebSession,
  deleteWebSessionsOf,
  findWebSession,
  insertWebSession,
  touchWebSession,
} from './web-session-store.js';

/** Who a web session belongs to: staff (consoles), citizens (portal), developers (sandbox portal). */
export type WebAudience = 'staff' | 'citizen' | 'developer';
export const WEB_AUDIENCES: readonly WebAudience[] = ['staff', 'citizen', 'developer'];

export interface WebSession {
  audience: WebAudience;
  /** staff id, person id or developer account id. */
  principalId: string;
  createdAt: Date;
  /** When the session ends without a request (idle limit) or in any case (absolute limit). */
  expiresAt: Date;
}

/** Milliseconds between two writes of last_seen_at (a busy console does not write on every call). */
const TOUCH_EVERY_MS = 30_000;

/**
 * Server-side sessions of the platform's own web apps (docs/web-login.md). The session id is 256
 * random bits in an HttpOnly cookie; the database keeps only its keyed hash, so a dump of the
 * table cannot be replayed. Sessions end after WEB_SESSION_IDLE_SECONDS without a request and
 * WEB_SESSION_MAX_SECONDS after log-in. The CSRF token is an HMAC of the session id under its own
 * key (a synchronizer token that needs no storage), checked in constant time.
 */
export interface WebSessionService {
  create(
    db: Db,
    input: { audience: WebAudience; principalId: string },
  ): Promise<{ id: string; session: WebSession }>;
  /** The live session of this cookie value; an expired one is deleted and undefined returned. */
  resolve(db: Db, audience: WebAudience, id: string): Promise<WebSession | undefined>;
  /** End a session; true when it was live. */
  destroy(db: Db, id: string): Promise<boolean>;
  /** End every session of a principal. */
  destroyAllOf(db: Db, audience: WebAudience, principalId: string): Promise<number>;
  csrfToken(id: string): string;
  csrfMatches(id: string, token: string | undefined): boolean;
  /** Delete expired sessions (a timer on every node). */
  sweep(db: Db): Promise<number>;
  readonly idleSeconds: number;
  readonly maxSeconds: number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createWebSessionService(deps: {
  vault: KeyVault;
  clock: Clock;
  idleSeconds: number;
  maxSeconds: number;
}): WebSessionService {
  const idHash = keyedHash(deps.vault, 'web-login/session-id');
  const csrfKey = deps.vault.deriveKey('web-login/csrf');
  const csrf = (id: string) => createHmac('sha256', csrfKey).update(id).digest();
  const idleMs = deps.idleSeconds * 1000;

  return {
    idleSeconds: deps.idleSeconds,
    maxSeconds: deps.maxSeconds,

    async create(db, input) {
      const id = randomBytes(32).toString('base64url');
      const now = deps.clock.now();
      const absolute = new Date(now.getTime() + deps.maxSeconds * 1000);
      await insertWebSession(db, {
        idHash: idHash(id),
        audience: input.audience,
        principalId: input.principalId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: absolute,
      });
      return {
        id,
        session: {
          audience: input.audience,
          principalId: input.principalId,
          createdAt: now,
          expiresAt: new Date(Math.min(absolute.getTime(), now.getTime() + idleMs)),
        },
      };
    },

    async resolve(db, audience, id) {
      if (!ID_PATTERN.test(id)) return undefined;
      const hash = idHash(id);
      const row = await findWebSession(db, hash);
      // The look-up is by keyed hash; confirm in constant time before trusting the row.
      if (!row || !idHash.matches(id, row.idHash) || row.audience !== audience) return undefined;
      const now = deps.clock.now().getTime();
      if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + idleMs <= now) {
        await deleteWebSession(db, hash);
        return undefined;
      }
      let lastSeen = row.lastSeenAt.getTime();
      if (now - lastSeen >= TOUCH_EVERY_MS) {
        await touchWebSession(db, hash, new Date(now));
        lastSeen = now;
      }
      return {
        audience: row.audience,
        principalId: row.principalId,
        createdAt: row.createdAt,
        expiresAt: new Date(Math.min(row.expiresAt.getTime(), lastSeen + idleMs)),
      };
    },

    async destroy(db, id) {
      if (!ID_PATTERN.test(id)) return false;
      return deleteWebSession(db, idHash(id));
    },

    destroyAllOf(db, audience, principalId) {
      return deleteWebSessionsOf(db, audience, principalId);
    },

    csrfToken(id) {
      return csrf(id).toString('base64url');
    },

    csrfMatches(id, token) {
      if (token === undefined || token.length > 100) return false;
      const given = Buffer.from(token, 'utf8');
      const expected = Buffer.from(csrf(id).toString('base64url'), 'utf8');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },

    sweep(db) {
      const now = deps.clock.now();
      return deleteExpiredWebSessions(db, now, new Date(now.getTime() - idleMs));
    },
  };
}
