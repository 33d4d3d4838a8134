// Deletes published events older than the retention period without slowing the inserts that run
// alongside (docs/decisions/0027-gentle-outbox-retention.md): small batches, each its own short
// transaction, a pause after each one, and a time budget per run after which the rest is left to
// a follow-up run. Unpublished and parked events are never candidates: only rows with
// published_at set are read.
//
// The same scheduled run also deletes stale ticket uploads: files a passenger sent for a report
// that was never submitted (cancelled without the discard running, or abandoned).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from '../db/pool';
import type { Logger } from '../logger';
import { purgeStaleTicketFiles } from '../repos/ticket-files';
import type { OutboxMetrics } from './outbox-metrics';

// 1,000 rows is 2-5 ms of DELETE on an idle database: the WAL it writes (~250 kB) is what an insert
// committing at the same moment may have to wait for, so smaller batches mean smaller stalls.
export const DEFAULT_PURGE_BATCH_SIZE = 1_000;
// The pause after each batch; at least as long as the batch took, so the purge keeps to at most
// half of one core and of the WAL bandwidth however loaded the database is. 1M rows still go in
// well under a minute (bench/outbox.js).
export const DEFAULT_PURGE_PAUSE_MS = 10;
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

export type RetentionOptions = {
  batchSize?: number;
  ticketBatchSize?: number;
  /** The least pause after a full batch; the pause is at least as long as the batch took. */
  pauseMs?: number;
  timeBudgetMs?: number;
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

export async function runRetention(deps: RetentionDeps, options: RetentionOptions = {}): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? DEFAULT_PURGE_BATCH_SIZE;
  const ticketBatchSize = options.ticketBatchSize ?? DEFAULT_TICKET_PURGE_BATCH_SIZE;
  const pacing = { pauseMs: options.pauseMs ?? DEFAULT_PURGE_PAUSE_MS };
  const deadline = Date.now() + (options.timeBudgetMs ?? DEFAULT_PURGE_TIME_BUDGET_MS);
  // Where the previous batch stopped: each batch starts its index scan there instead of stepping
  // again over the entries of the rows already deleted (dead until a vacuum removes them).
  let after: string | null = null;
  const events = await inBatches(batchSize, deadline, pacing, async () => {
    const batch = await deleteExpiredEvents(deps.db, { days: deps.retentionDays, after, limit: batchSize });
    after = batch.last ?? after;
    deps.outboxMetrics?.purged.inc(batch.deleted);
    return batch.deleted;
  });
  // At least one batch even when the events used up the budget, so uploads never wait forever.
  const tickets = await inBatches(ticketBatchSize, deadline, pacing, () =>
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

/**
 * Deletes at most `limit` events published more than `days` days ago by the database's clock,
 * oldest first, from `after` on (a published_at as text, microseconds kept; null for the start).
 * One statement, so one short transaction. The rows are read from the published_at index and
 * locked with skip locked (a second purge running at the same time takes other rows instead of
 * queueing behind these), then deleted by ctid: the ids would cost a primary-key lookup each. The
 * ctids are gathered into an array, evaluated once, so the LIMIT cannot run again per row.
 * Returns how many went and the newest published_at among them. A row skipped because it was
 * locked and left behind the next batch's `after` waits for the next run.
 *
 * Here rather than in src/repos/outbox.ts only because that file was being edited by others when
 * this was written; it belongs there, in place of purgePublishedOlderThan.
 */
async function deleteExpiredEvents(
  db: Queryable,
  batch: { days: number; after: string | null; limit: number },
): Promise<{ deleted: number; last: string | null }> {
  const { rows } = await db.query<{ deleted: number; last: string | null }>(
    `with deleted as (
       delete from whatsapp_handler.outbox_events
        where ctid = any(array(
                select ctid
                  from whatsapp_handler.outbox_events
                 where published_at < now() - make_interval(days => $1::int)
                   and published_at >= coalesce($2::timestamptz, '-infinity'::timestamptz)
                 order by published_at
                 limit $3::int
                   for update skip locked))
       returning published_at
     )
     select count(*)::int as deleted, max(published_at)::text as last from deleted`,
    [batch.days, batch.after, batch.limit],
  );
  return rows[0]!;
}

/**
 * Runs `purge` until a batch comes back short or the deadline passes (after at least one batch),
 * pausing after each full batch for as long as it took, and at least `pauseMs`.
 */
async function inBatches(
  batchSize: number,
  deadline: number,
  pacing: { pauseMs: number },
  purge: () => Promise<number>,
): Promise<{ deleted: number; batches: number; more: boolean }> {
  let deleted = 0;
  let batches = 0;
  for (;;) {
    const started = Date.now();
    const count = await purge();
    batches++;
    deleted += count;
    if (count < batchSize) return { deleted, batches, more: false };
    const pause = Math.max(pacing.pauseMs, Date.now() - started);
    if (Date.now() + pause >= deadline) return { deleted, batches, more: true };
    await sleep(pause);
  }
}
