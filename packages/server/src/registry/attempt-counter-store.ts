import { sql } from 'kysely';
import type { Db } from '../db/db.js';

/**
 * Count one failure of (scope, subject) in a fixed window that starts at the first failure; a
 * window older than `windowStart` restarts at 1. Atomic in one statement, so concurrent nodes
 * never lose a count. Returns the failures in the current window, this one included.
 */
export async function recordAttemptFailure(
  db: Db,
  key: { scope: string; subject: string },
  now: Date,
  windowStart: Date,
): Promise<number> {
  const row = await db
    .insertInto('attempt_counters')
    .values({ scope: key.scope, subject: key.subject, failures: 1, window_started_at: now })
    .onConflict((oc) =>
      oc.columns(['scope', 'subject']).doUpdateSet({
        failures: sql<number>`case when attempt_counters.window_started_at < ${windowStart} then 1 else attempt_counters.failures + 1 end`,
        window_started_at: sql<Date>`case when attempt_counters.window_started_at < ${windowStart} then ${now} else attempt_counters.window_started_at end`,
      }),
    )
    .returning(['failures', 'window_started_at'])
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/** Failures of (scope, subject) in the window that is still open, and when that window began. */
export async function findAttemptFailures(
  db: Db,
  key: { scope: string; subject: string },
  windowStart: Date,
): Promise<{ failures: number; windowStartedAt: Date } | undefined> {
  const row = await db
    .selectFrom('attempt_counters')
    .select(['failures', 'window_started_at'])
    .where('scope', '=', key.scope)
    .where('subject', '=', key.subject)
    .where('window_started_at', '>=', windowStart)
    .executeTakeFirst();
  return row
    ? { failures: Number(row.failures), windowStartedAt: row.window_started_at }
    : undefined;
}

/** Forget the counters whose window closed before `windowStart` (housekeeping). */
export async function deleteStaleAttemptCounters(db: Db, windowStart: Date): Promise<number> {
  const result = await db
    .deleteFrom('attempt_counters')
    .where('window_started_at', '<', windowStart)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
