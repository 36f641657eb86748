import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { deleteCountersBefore, incrementCounter, readCounter } from './rate-limit-store.js';

export interface LimitRule {
  /** Events allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface LimitDecision {
  allowed: boolean;
  count: number;
  /** Seconds until the current window ends. */
  retryAfterSeconds: number;
}

/**
 * Fixed-window rate limits kept in the database, so they hold across every node and restart
 * (push-bombing, credential guessing). One row per bucket and window; old windows are swept.
 */
export interface RateLimiter {
  /** Count an event and say whether it is within the rule. */
  consume(db: Db, bucket: string, rule: LimitRule): Promise<LimitDecision>;
  /** Whether one more event would still be within the rule, without counting it. */
  peek(db: Db, bucket: string, rule: LimitRule): Promise<LimitDecision>;
  /** Delete windows that ended more than a day ago. */
  sweep(db: Db): Promise<number>;
}

export function createRateLimiter(clock: Clock): RateLimiter {
  const window = (rule: LimitRule) => {
    const ms = rule.windowSeconds * 1000;
    const now = clock.now().getTime();
    const start = Math.floor(now / ms) * ms;
    return {
      start: new Date(start),
      retryAfterSeconds: Math.max(1, Math.ceil((start + ms - now) / 1000)),
    };
  };
  return {
    async consume(db, bucket, rule) {
      const w = window(rule);
      const count = await incrementCounter(db, bucket, w.start);
      return { allowed: count <= rule.limit, count, retryAfterSeconds: w.retryAfterSeconds };
    },
    async peek(db, bucket, rule) {
      const w = window(rule);
      const count = await readCounter(db, bucket, w.start);
      return { allowed: count < rule.limit, count, retryAfterSeconds: w.retryAfterSeconds };
    },
    sweep(db) {
      return deleteCountersBefore(db, new Date(clock.now().getTime() - 24 * 3600 * 1000));
    },
  };
}
