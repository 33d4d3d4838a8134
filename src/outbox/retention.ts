// Deletes published events older than the retention period, in small batches so each DELETE holds
// its locks briefly and inserts carry on. Unpublished and parked events are never candidates:
// purgePublishedOlderThan only looks at rows with published_at set.
import type { Queryable } from '../db/pool';
import type { Logger } from '../logger';
import { purgePublishedOlderThan } from '../repos/outbox';
import type { OutboxMetrics } from './outbox-metrics';

// 5,000 rows is a few tens of milliseconds of DELETE: short enough not to stall inserts (see the
// insert p99 figures in bench/outbox.js), large enough to clear a day of events in seconds.
export const DEFAULT_PURGE_BATCH_SIZE = 5_000;
// A run stops after this and leaves the rest to the next one (or its own follow-up job).
export const DEFAULT_PURGE_TIME_BUDGET_MS = 20_000;

export type RetentionDeps = {
  db: Queryable;
  logger: Logger;
  retentionDays: number;
  outboxMetrics?: OutboxMetrics | undefined;
};

export type RetentionResult = { deleted: number; batches: number; more: boolean };

export async function runRetention(
  deps: RetentionDeps,
  options: { batchSize?: number; timeBudgetMs?: number } = {},
): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? DEFAULT_PURGE_BATCH_SIZE;
  const deadline = Date.now() + (options.timeBudgetMs ?? DEFAULT_PURGE_TIME_BUDGET_MS);
  let deleted = 0;
  let batches = 0;
  let more = false;
  for (;;) {
    const count = await purgePublishedOlderThan(deps.db, deps.retentionDays, batchSize);
    batches++;
    deleted += count;
    deps.outboxMetrics?.purged.inc(count);
    if (count < batchSize) break;
    if (Date.now() >= deadline) {
      more = true;
      break;
    }
  }
  deps.logger.info({ deleted, batches, retentionDays: deps.retentionDays, more }, 'outbox retention purge');
  return { deleted, batches, more };
}
