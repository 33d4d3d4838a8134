// The outbox's Workers and Job Schedulers, started by the worker process (src/jobs/register.ts).
// Schedulers are upserted under fixed ids, so however many worker processes start there is one
// sweep schedule and one retention schedule.
import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Deps } from '../main/deps';
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

export type OutboxWorkersHandle = {
  workers: readonly Worker[];
  /** Resolves when both Workers are connected and both schedules are in place. */
  ready(): Promise<void>;
  close(): Promise<void>;
};

export function startOutboxWorkers(deps: Deps, options: OutboxWorkersOptions = {}): OutboxWorkersHandle {
  const transport = options.transport ?? makeOutboxTransport(deps);
  // The same metrics build-deps registered (makeOutboxMetrics returns them on a second call).
  const outboxMetrics = options.metrics ?? (deps.metrics ? makeOutboxMetrics(deps.metrics.registry, deps) : undefined);
  const prefix = deps.config.redisKeyPrefix;
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

  const worker = (name: string, processor: (job: Job) => Promise<unknown>) => {
    // One job at a time per process: relays in several processes already run side by side
    // (SKIP LOCKED), and a second run in the same process would only contend for the same heads.
    const opts: WorkerOptions = { connection: deps.redis, prefix, concurrency: 1 };
    const created = new Worker(name, processor, opts);
    created.on('error', (error) => deps.logger.error({ queue: name, err: error.message }, 'worker error'));
    created.on('failed', (job, error) => {
      // A parked-event job fails on purpose (that is how it shows in Bull Board); the relay logged it.
      if (job?.name === JOB.outboxEventParked && job.attemptsMade <= 1) return;
      deps.logger.error({ queue: name, jobId: job?.id, err: error.message }, 'outbox job failed');
    });
    return created;
  };
  const workers = [
    worker(QUEUE.outboxRelay, (job) => (job.name === JOB.outboxEventParked ? parked(job) : relay(job))),
    worker(QUEUE.outboxRetention, purge),
  ];

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
    workers,
    async ready() {
      await Promise.all([schedules, ...workers.map((w) => w.waitUntilReady())]);
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await transport.close();
    },
  };
}
