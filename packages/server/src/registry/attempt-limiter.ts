import type { Db } from '../db/db.js';
import type { RateLimiter } from '../limits/rate-limiter.js';

/**
 * Bounded guessing that holds across nodes (SPEC §5 Security), on the database-backed rate
 * limiter: failures are counted per subject in fixed windows; at `maxFailures` the subject is
 * locked until the window ends.
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
  rateLimiter: RateLimiter;
}): AttemptLimiter {
  const rule = { limit: options.maxFailures, windowSeconds: options.windowSeconds };
  const bucket = (subject: string) => `${options.scope}:${subject}`;
  return {
    maxFailures: options.maxFailures,
    async lockedFor(db, subject) {
      const decision = await options.rateLimiter.peek(db, bucket(subject), rule);
      return decision.allowed ? undefined : decision.retryAfterSeconds;
    },
    async fail(db, subject) {
      const decision = await options.rateLimiter.consume(db, bucket(subject), rule);
      return { failures: decision.count, lockedNow: decision.count === options.maxFailures };
    },
  };
}
