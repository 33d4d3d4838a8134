// A number that never finished verification is forgotten after UNVERIFIED_RETENTION_DAYS
// (PRODUCT.md, "Data lifecycle"): the user-retention Job Scheduler deletes those users in
// batches, each batch in one transaction with a user.deleted event per user, so consumers erase
// what they hold exactly when the row goes. Age is judged by the database's clock alone.
import type { Queue } from 'bullmq';
import type { Deps } from '../deps';
import { withTransaction } from '../db/transaction';
import { userDeleted, wakeOutboxRelay } from '../events';
import { JOB } from '../jobs/queues';
import { appendEvents } from '../repos/outbox';
import { deleteUnverifiedOlderThan } from '../repos/users';

export const USER_RETENTION_SCHEDULER_ID = 'user-retention';
// Retention is counted in days: hourly runs keep a number at most an hour past its time and each
// run small.
export const DEFAULT_USER_RETENTION_EVERY_MS = 60 * 60_000;
// 500 users and their cascades (preferences, a few journeys and ticket files at most: unverified
// users rarely have any) plus 500 event rows: a short transaction that holds few locks.
export const DEFAULT_USER_PURGE_BATCH_SIZE = 500;
// A run stops after this and leaves the rest to a follow-up run.
export const DEFAULT_USER_PURGE_TIME_BUDGET_MS = 20_000;

export type UnverifiedRetentionDeps = Pick<Deps, 'db' | 'logger' | 'queues' | 'metrics'> & { retentionDays: number };

export type UnverifiedRetentionResult = {
  /** Users deleted, in how many batches (transactions). */
  deleted: number;
  batches: number;
  /** The time budget ran out with a full last batch: there may be more. */
  more: boolean;
};

/** Deletes expired unverified users until a batch comes back short or the time budget is spent. */
export async function runUnverifiedRetention(
  deps: UnverifiedRetentionDeps,
  options: { batchSize?: number; timeBudgetMs?: number } = {},
): Promise<UnverifiedRetentionResult> {
  const batchSize = options.batchSize ?? DEFAULT_USER_PURGE_BATCH_SIZE;
  const deadline = Date.now() + (options.timeBudgetMs ?? DEFAULT_USER_PURGE_TIME_BUDGET_MS);
  let deleted = 0;
  let batches = 0;
  let more = false;
  for (;;) {
    const ids = await withTransaction(deps.db, async (client) => {
      const expired = await deleteUnverifiedOlderThan(client, deps.retentionDays, batchSize);
      await appendEvents(
        client,
        expired.map((userId) => userDeleted({ userId, reason: 'unverified_expired' })),
      );
      return expired;
    });
    batches++;
    deleted += ids.length;
    if (ids.length > 0) {
      deps.metrics.usersDeleted.inc({ reason: 'unverified_expired' }, ids.length);
      // After each commit, so a later batch's failure does not hold back these events.
      await wakeOutboxRelay(deps.queues);
    }
    if (ids.length < batchSize) break;
    if (Date.now() >= deadline) {
      more = true;
      break;
    }
  }
  const result = { deleted, batches, more };
  deps.logger.info({ ...result, retentionDays: deps.retentionDays }, 'unverified users purge');
  return result;
}

/**
 * Upserted under a fixed id: however many worker processes start, there is one schedule. An
 * `every` schedule also runs once at once.
 */
export function installUserRetentionSchedule(queue: Queue, everyMs = DEFAULT_USER_RETENTION_EVERY_MS) {
  return queue.upsertJobScheduler(
    USER_RETENTION_SCHEDULER_ID,
    { every: everyMs },
    { name: JOB.purgeUnverifiedUsers, data: {}, opts: { attempts: 3, removeOnComplete: { count: 100 } } },
  );
}
