import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { findAttemptFailures, recordAttemptFailure } from './attempt-counter-store.js';

/**
 * Bounded guessing that holds across nodes (SPEC §5 Security): failures are counted in the
 * database per (scope, subject) over a fixed window; at `maxFailures` the subject is locked until
 * the window ends.
 */
export interface AttemptLimiter {
  /** undefined when allowed; otherwise the seconds until the lock lifts. */
  lockedFor(db: Db, subject: string): Promise<number | undefined>;
  /** Count a failure; returns the failures so far and whether this one reached the limit. */
  fail(db: Db, subject: string): Promise<{ failures: number; lockedNow: boolean }>;
  readonly maxFailures: number;
}

export function createAttemptLimiter(options: {
  scope: string;
  maxFailures: number;
  windowSeconds: number;
  clock: Clock;
}): AttemptLimiter {
  const windowMs = options.windowSeconds * 1000;
  const key = (subject: string) => ({ scope: options.scope, subject });
  return {
    maxFailures: options.maxFailures,
    async lockedFor(db, subject) {
      const now = options.clock.now();
      const found = await findAttemptFailures(db, key(subject), new Date(now.getTime() - windowMs));
      if (!found || found.failures < options.maxFailures) return undefined;
      const ends = found.windowStartedAt.getTime() + windowMs;
      return Math.max(1, Math.ceil((ends - now.getTime()) / 1000));
    },
    async fail(db, subject) {
      const now = options.clock.now();
      const failures = await recordAttemptFailure(
        db,
        key(subject),
        now,
        new Date(now.getTime() - windowMs),
      );
      return { failures, lockedNow: failures === options.maxFailures };
    },
  };
}
