// Deletes published events older than the retention period, in small batches so each DELETE holds
// its locks briefly and inserts carry on. Unpublished and parked events are never candidates:
// purgePublishedOlderThan only looks at rows with published_at set.
//
// The same scheduled run also deletes stale ticket uploads: files a passenger sent for a report
// that was never submitted (cancelled without the discard running, or abandoned).
import type { Queryable } from '../db/pool';
import type { Logger } from '../logger';
import { purgePublishedOlderThan } from '../repos/outbox';
import { purgeStaleTicketFiles } from '../repos/ticket-files';
import type { OutboxMetrics } from './outbox-metrics';

// 5,000 rows is a few tens of milliseconds of DELETE: short enough not to stall inserts (see the
// insert p99 figures in bench/outbox.js), large enough to clear a day of events in seconds.
export const DEFAULT_PURGE_BATCH_SIZE = 5_000;
// A run stops after this and leaves the rest to the next one (or its own follow-up job).
export const DEFAULT_PURGE_TIME_BUDGET_MS = 20_000;
// A report's conversation state lives 24 h after the passenger's last message; an upload older
// than that belongs to a report that is almost certainly over.
export const STALE_TICKET_FILE_HOURS = 24;
// Ticket files are up to 10 MB each: 50 is at most half a gigabyte of TOAST per DELETE.
export const DEFAULT_TICKET_PURGE_BATCH_SIZE = 50;

export type RetentionDeps = {
  db: Queryable;
  logger: Logger;
  retentionDays: number;
  outboxMetrics?: OutboxMetrics | undefined;
};

export type RetentionResult = {
  /** Outbox events deleted, in how many batches. */
  deleted: number;
  batches: number;
  /** Stale ticket files deleted. */
  staleTicketFiles: number;
  /** The time budget ran out with rows of either kind left. */
  more: boolean;
};

export async function runRetention(
  deps: RetentionDeps,
  options: { batchSize?: number; ticketBatchSize?: number; timeBudgetMs?: number } = {},
): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? DEFAULT_PURGE_BATCH_SIZE;
  const ticketBatchSize = options.ticketBatchSize ?? DEFAULT_TICKET_PURGE_BATCH_SIZE;
  const deadline = Date.now() + (options.timeBudgetMs ?? DEFAULT_PURGE_TIME_BUDGET_MS);
  const events = await inBatches(batchSize, deadline, async () => {
    const count = await purgePublishedOlderThan(deps.db, deps.retentionDays, batchSize);
    deps.outboxMetrics?.purged.inc(count);
    return count;
  });
  // At least one batch even when the events used up the budget, so uploads never wait forever.
  const tickets = await inBatches(ticketBatchSize, deadline, () =>
    purgeStaleTicketFiles(deps.db, STALE_TICKET_FILE_HOURS, ticketBatchSize),
  );
  const result = {
    deleted: events.deleted,
    batches: events.batches,
    staleTicketFiles: tickets.deleted,
    more: events.more || tickets.more,
  };
  deps.logger.info({ ...result, retentionDays: deps.retentionDays }, 'outbox retention purge');
  return result;
}

/** Runs `purge` until a batch comes back short or the deadline passes (after at least one batch). */
async function inBatches(
  batchSize: number,
  deadline: number,
  purge: () => Promise<number>,
): Promise<{ deleted: number; batches: number; more: boolean }> {
  let deleted = 0;
  let batches = 0;
  for (;;) {
    const count = await purge();
    batches++;
    deleted += count;
    if (count < batchSize) return { deleted, batches, more: false };
    if (Date.now() >= deadline) return { deleted, batches, more: true };
  }
}
