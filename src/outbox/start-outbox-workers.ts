// The outbox's processors and Job Schedulers, for the worker process (src/jobs/register.ts makes
// the Workers). Schedulers are upserted under fixed ids, so however many worker processes start
// there is one sweep schedule and one retention schedule.
import type { Job } from 'bullmq';
import type { Deps } from '../deps';
import { JOB, QUEUE, type OutboxEventParkedJob } from '../jobs/queues';
import { makeOutboxEventParkedProcessor } from '../jobs/processors/outbox-event-parked';
import { makePurgeOutboxProcessor } from '../jobs/processors/purge-outbox';
import { makeRelayOutboxProcessor } from '../jobs/processors/relay-outbox';
import { makeOutboxTransport } from './make-transport';
import { makeOutboxMetrics, type OutboxMetrics } from './outbox-metrics';
import type { ParkedNotice } from './relay';
import type { OutboxTransport } from './transport';

export const RELAY_SWEEP_SCHEDULER_ID = 'outbox-relay-sweep';
export const RETENTION_SCHEDULER_ID = 'outbox-retention';
// The safety net for a lost wake-up (Redis hiccup, a crash between COMMIT and the wake): an event
// waits at most this long. Cheap: an empty claim is one index probe.
const DEFAULT_SWEEP_EVERY_MS = 5_000;
// Retention runs are short batches; every 15 minutes keeps each run small.
const DEFAULT_RETENTION_EVERY_MS = 15 * 60_000;

export type OutboxWorkersOptions = {
  transport?: OutboxTransport;
  metrics?: OutboxMetrics;
  sweepEveryMs?: number;
  retentionEveryMs?: number;
};

export type OutboxProcessors = {
  /** For the outbox-relay queue: relay runs and parked-event notices. */
  relay(job: Job): Promise<unknown>;
  /** For the outbox-retention queue. */
  purge(job: Job): Promise<unknown>;
  /** Resolves when both schedules are in place. */
  schedules: Promise<unknown>;
  /** Closes the transport (after the Workers have stopped). */
  close(): Promise<void>;
};

export function makeOutboxProcessors(deps: Deps, options: OutboxWorkersOptions = {}): OutboxProcessors {
  const transport = options.transport ?? makeOutboxTransport(deps);
  // The same metrics build-deps registered (makeOutboxMetrics returns them on a second call).
  const outboxMetrics = options.metrics ?? (deps.metrics ? makeOutboxMetrics(deps.metrics.registry, deps) : undefined);
  const relayQueue = deps.queues[QUEUE.outboxRelay];
  const retentionQueue = deps.queues[QUEUE.outboxRetention];

  const onParked = async ({ event, attempts, error }: ParkedNotice) => {
    const data: OutboxEventParkedJob = {
      eventId: event.id,
      eventType: event.eventType,
      aggregateId: event.aggregateId,
      attempts,
      lastError: error.slice(0, 2000),
    };
    await relayQueue.add(JOB.outboxEventParked, data, {
      jobId: `parked-${event.id}-${Date.now()}`,
      attempts: 1,
      removeOnFail: false,
      removeOnComplete: { age: 7 * 24 * 3600 },
    });
  };

  const relay = makeRelayOutboxProcessor({
    db: deps.db,
    logger: deps.logger,
    transport,
    maxAttempts: deps.config.outbox.maxAttempts,
    outboxMetrics,
    onParked,
    queues: deps.queues,
  });
  const parked = makeOutboxEventParkedProcessor(deps);
  const purge = makePurgeOutboxProcessor({
    db: deps.db,
    logger: deps.logger,
    retentionDays: deps.config.outbox.retentionDays,
    outboxMetrics,
    queues: deps.queues,
  });

  const schedules = Promise.all([
    relayQueue.upsertJobScheduler(
      RELAY_SWEEP_SCHEDULER_ID,
      { every: options.sweepEveryMs ?? DEFAULT_SWEEP_EVERY_MS },
      { name: JOB.relayOutbox, data: {}, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
    ),
    retentionQueue.upsertJobScheduler(
      RETENTION_SCHEDULER_ID,
      { every: options.retentionEveryMs ?? DEFAULT_RETENTION_EVERY_MS },
      { name: JOB.purgeOutbox, data: {}, opts: { attempts: 3, removeOnComplete: { count: 100 } } },
    ),
  ]);
  // Surfaced by ready(); logged here so a process that never calls ready() still reports it.
  schedules.catch((error: Error) => deps.logger.error({ err: error.message }, 'outbox schedules not installed'));

  return {
    relay: (job) => (job.name === JOB.outboxEventParked ? parked(job) : relay(job)),
    purge,
    schedules,
    close: () => transport.close(),
  };
}
