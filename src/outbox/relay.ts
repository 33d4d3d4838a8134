// The relay: claims due events (the head of each aggregate) in a transaction, publishes them, and
// marks them published or records the failure in the same transaction. The row locks keep other
// relays off these events while they are in flight. If the process dies after publishing but
// before COMMIT, the locks go with the connection and the events are published again later:
// at least once, never lost (consumers dedupe on event_id).
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { SPAN_ATTR, SpanKind, withSpan, type Span } from '../observability/tracing';
import { claimDueEvents, markPublished, recordPublishFailure, type OutboxEvent } from '../repos/outbox';
import { retryDelayMs } from './backoff';
import { toEnvelope } from './envelope';
import type { OutboxMetrics } from './outbox-metrics';
import type { OutboxTransport, PublishOutcome } from './transport';

// 500 events make one XADD pipeline of ~200 KB and one UPDATE. bench/outbox.js (100k events, two
// relays): batch 100 ~19k events/s, 500 ~23k/s, 2,000 ~27k/s; the last holds 4x the row locks
// for longer and makes a failure's rollback re-send more, for under a fifth more throughput.
export const DEFAULT_BATCH_SIZE = 500;
// A relay job gives up the worker after this long and re-queues itself, so a huge backlog never
// holds a job past its lock or delays shutdown.
export const DEFAULT_TIME_BUDGET_MS = 10_000;

export type ParkedNotice = { event: OutboxEvent; attempts: number; error: string };

export type RelayDeps = {
  db: Pool;
  logger: Logger;
  transport: OutboxTransport;
  maxAttempts: number;
  outboxMetrics?: OutboxMetrics | undefined;
  /** Called after the commit that parked an event (makes it visible in Bull Board). */
  onParked?: ((notice: ParkedNotice) => Promise<void>) | undefined;
};

export type BatchResult = { claimed: number; published: number; failed: number; parked: ParkedNotice[] };

/** Claims, publishes and settles one batch in one transaction. */
export async function relayBatch(deps: RelayDeps, batchSize: number): Promise<BatchResult> {
  const client = await deps.db.connect();
  // A connection that dies mid-batch rejects the pending query; without a listener its 'error'
  // event would also crash the process.
  const ignore = () => undefined;
  client.on('error', ignore);
  let broken = false;
  try {
    await client.query('begin');
    const events = await claimDueEvents(client, { limit: batchSize });
    if (events.length === 0) {
      await client.query('commit');
      return { claimed: 0, published: 0, failed: 0, parked: [] };
    }
    const outcomes = await publishTraced(deps.transport, events);
    const publishedIds: string[] = [];
    const failures: Array<ParkedNotice & { park: boolean }> = [];
    for (const [i, event] of events.entries()) {
      const outcome = outcomes[i] ?? { ok: false, error: 'no outcome from transport', permanent: false };
      if (outcome.ok) {
        publishedIds.push(event.id);
        continue;
      }
      const attempts = event.attempts + 1;
      const park = outcome.permanent || attempts >= deps.maxAttempts;
      await recordPublishFailure(client, {
        id: event.id,
        error: outcome.error,
        retryDelayMs: retryDelayMs(attempts),
        park,
      });
      failures.push({ event, attempts, error: outcome.error, park });
    }
    await markPublished(client, publishedIds);
    await client.query('commit');

    // Counted and logged only once committed: a rolled-back batch changed nothing.
    const metrics = deps.outboxMetrics;
    for (const [i, event] of events.entries()) {
      if (outcomes[i]?.ok) metrics?.published.inc({ event_type: event.eventType });
    }
    const parked: ParkedNotice[] = [];
    for (const { event, attempts, error, park } of failures) {
      const labels = { event_type: event.eventType };
      metrics?.publishFailures.inc(labels);
      const fields = { eventId: event.id, eventType: event.eventType, attempts, error };
      if (park) {
        parked.push({ event, attempts, error });
        metrics?.parked.inc(labels);
        deps.logger.error(fields, 'outbox event parked: an operator must retry it');
      } else {
        deps.logger.warn(fields, 'outbox publish failed; will retry');
      }
    }
    for (const notice of parked) await deps.onParked?.(notice).catch(() => undefined);
    return { claimed: events.length, published: publishedIds.length, failed: failures.length, parked };
  } catch (error) {
    broken = true;
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', ignore);
    // A client whose transaction failed may have a dead connection: do not pool it again.
    client.release(broken);
  }
}

/**
 * Publishes a claimed batch in a span (an HTTP transport's requests are its children). Only
 * batches with events get one, so the 5-second sweep adds nothing to traces.
 */
function publishTraced(transport: OutboxTransport, events: readonly OutboxEvent[]): Promise<PublishOutcome[]> {
  const attributes = {
    [SPAN_ATTR.messagingOperation]: 'send',
    [SPAN_ATTR.outboxTransport]: transport.name,
    [SPAN_ATTR.batchCount]: events.length,
  };
  const publish = async (span: Span) => {
    const outcomes = await transport.publish(events.map(toEnvelope));
    const published = outcomes.filter((outcome) => outcome.ok).length;
    span.setAttributes({ [SPAN_ATTR.outboxPublished]: published, [SPAN_ATTR.outboxFailed]: events.length - published });
    return outcomes;
  };
  return withSpan('outbox publish', attributes, publish, { kind: SpanKind.PRODUCER });
}

export type RelayRunResult = { batches: number; published: number; failed: number; parked: number; more: boolean };

/**
 * Runs batches until one claims nothing or the time budget is spent (`more`: work may be left).
 * A batch holds only aggregate heads, so a short batch does not mean the backlog is empty: the
 * events behind the heads just published become heads for the next one.
 */
export async function runRelay(
  deps: RelayDeps,
  options: { batchSize?: number; timeBudgetMs?: number } = {},
): Promise<RelayRunResult> {
  const batchSize = Math.min(options.batchSize ?? DEFAULT_BATCH_SIZE, deps.transport.maxBatchSize ?? Infinity);
  const deadline = Date.now() + (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  const total: RelayRunResult = { batches: 0, published: 0, failed: 0, parked: 0, more: false };
  for (;;) {
    const batch = await relayBatch(deps, batchSize);
    total.batches++;
    total.published += batch.published;
    total.failed += batch.failed;
    total.parked += batch.parked.length;
    if (batch.claimed === 0) return total;
    if (Date.now() >= deadline) return { ...total, more: true };
  }
}
