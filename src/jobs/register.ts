// Every BullMQ Worker of the worker process, made from one table: the queue, its processor, and
// the concurrency, locks and recovery each queue needs. The worker process (src/main/worker.ts)
// and the dev process both call startWorkers. No processor waits for another job.
import { hostname } from 'node:os';
import { MetricsTime, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { RedisClient } from '../redis';
import type { Deps } from '../deps';
import { makeSendRate } from '../outbound/send-rate';
import { makeOutboxProcessors, type OutboxWorkersOptions } from '../outbox/start-outbox-workers';
import { JOB, QUEUE, type QueueName } from './queues';
import { withOutageWait } from './outage-wait';
import { makeInboundMessageProcessor } from './processors/inbound-message';
import { makeMessageStatusProcessor } from './processors/message-status';
import { makeSendMessageProcessor } from './processors/send-message';
import { makeUpdatePreferenceProcessor } from './processors/update-preference';
import { makeDeliverClaimUpdatesProcessor } from './processors/deliver-claim-updates';
import { makeInboundEventKeptProcessor } from './processors/inbound-event-kept';
import { makeForgetSenderProcessor } from './processors/forget-sender';
import { makePurgeUnverifiedUsersProcessor } from './processors/purge-unverified-users';
import { installUserRetentionSchedule } from '../users/unverified-retention';

// A crashed worker's inbound and outbound jobs go back to the queue within ~15 s instead of the
// default ~60 s: BullMQ renews the lock every half lockDuration while the process is alive.
const FAST_RECOVERY: Partial<WorkerOptions> = { lockDuration: 10_000, stalledInterval: 5_000 };
// With Redis down a job can neither finish nor fail, so it stalls and is handed out again once
// Redis is back; that must not count against it as a crash loop would.
const OUTAGE_TOLERANT: Partial<WorkerOptions> = { maxStalledCount: 20 };
// The outbox runs one job at a time per process: relays in several processes already run side by
// side (SKIP LOCKED), and a second run in one process would only contend for the same heads.
const ONE_AT_A_TIME: Partial<WorkerOptions> = { concurrency: 1 };
// Together under the 25 s a platform such as Heroku allows between SIGTERM and SIGKILL: inbound
// turns first (they may be mid-reply), then the rest.
const INBOUND_CLOSE_MS = 12_000;
const OTHERS_CLOSE_MS = 6_000;

/** The outbox's two queues, for starting just the outbox. */
export const OUTBOX_QUEUES: readonly QueueName[] = [QUEUE.outboxRelay, QUEUE.outboxRetention];

type WorkerSpec = {
  queue: QueueName;
  processor: (job: Job, token?: string) => Promise<unknown>;
  options: Partial<WorkerOptions>;
};

export type WorkerHandle = {
  workers: readonly Worker[];
  /** Waits until every Worker is connected and the schedules are in place. */
  ready(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, then closes what it opened. */
  close(): Promise<void>;
};

export type StartWorkersOptions = {
  /** Jobs per queue in this process (defaults to config.workerConcurrency). */
  concurrency?: number;
  /** Passed to the outbox relay and retention processors. */
  outbox?: OutboxWorkersOptions;
  /** Start only these queues' Workers (tests of one part; a process dedicated to some queues). */
  queues?: readonly QueueName[];
  /** How often unverified users past UNVERIFIED_RETENTION_DAYS are purged (defaults to hourly). */
  userRetentionEveryMs?: number;
};

export function startWorkers(deps: Deps, options: StartWorkersOptions = {}): WorkerHandle {
  const concurrency = options.concurrency ?? deps.config.workerConcurrency;
  const sendRate = makeSendRate(deps.redis, deps.keys, deps.config.outboundMessagesPerSecond);
  const turnDeps = { ...deps, sendRate };
  const outbox = makeOutboxProcessors(deps, options.outbox);

  const table: WorkerSpec[] = [
    {
      queue: QUEUE.inbound,
      processor: makeInboundMessageProcessor(turnDeps),
      options: { concurrency, ...FAST_RECOVERY, ...OUTAGE_TOLERANT },
    },
    {
      queue: QUEUE.outbound,
      processor: withOutageWait(deps, makeSendMessageProcessor(turnDeps)),
      options: { concurrency, ...FAST_RECOVERY, ...OUTAGE_TOLERANT },
    },
    {
      queue: QUEUE.preferenceUpdate,
      processor: withOutageWait(deps, makeUpdatePreferenceProcessor(deps)),
      options: { concurrency, ...OUTAGE_TOLERANT },
    },
    {
      queue: QUEUE.messageStatus,
      processor: withOutageWait(deps, makeMessageStatusProcessor(deps)),
      options: { concurrency, ...OUTAGE_TOLERANT },
    },
    {
      queue: QUEUE.proactive,
      processor: withOutageWait(deps, makeDeliverClaimUpdatesProcessor(turnDeps)),
      options: { concurrency, ...FAST_RECOVERY, ...OUTAGE_TOLERANT },
    },
    { queue: QUEUE.inboundEventsKept, processor: makeInboundEventKeptProcessor(deps), options: ONE_AT_A_TIME },
    {
      queue: QUEUE.senderErasure,
      processor: withOutageWait(deps, makeForgetSenderProcessor(deps)),
      options: { ...ONE_AT_A_TIME, ...OUTAGE_TOLERANT },
    },
    { queue: QUEUE.outboxRelay, processor: outbox.relay, options: ONE_AT_A_TIME },
    { queue: QUEUE.outboxRetention, processor: outbox.purge, options: ONE_AT_A_TIME },
    {
      queue: QUEUE.userRetention,
      processor: makePurgeUnverifiedUsersProcessor({ ...deps, retentionDays: deps.config.unverifiedRetentionDays }),
      options: ONE_AT_A_TIME,
    },
  ];

  const chosen = table.filter(({ queue }) => options.queues?.includes(queue) ?? true);
  // Installed by the processes that run the queue; a fixed id keeps it one schedule however many.
  const userRetentionSchedule = chosen.some(({ queue }) => queue === QUEUE.userRetention)
    ? installUserRetentionSchedule(deps.queues[QUEUE.userRetention], options.userRetentionEveryMs)
    : Promise.resolve();
  userRetentionSchedule.catch((error: Error) =>
    deps.logger.error({ err: error.message }, 'user retention schedule not installed'),
  );
  const workers = chosen.map(({ queue, processor, options: extra }) => {
    const worker = new Worker(queue, processor, {
      // The queues' connection: deps.redis auto-pipelines, which BullMQ's blocking reads must not.
      connection: deps.queues[queue].opts.connection as RedisClient,
      prefix: deps.queues[queue].opts.prefix,
      // The name is stored on each job it processes (processedBy): which process handled what.
      name: `${hostname()}:${process.pid}`,
      // Completed and failed counts per minute, kept a week: Bull Board draws them per queue.
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
      ...extra,
    });
    // A Worker without an error listener would crash the process on a Redis hiccup.
    worker.on('error', (error) => deps.logger.error({ queue, err: error.message }, 'worker error'));
    worker.on('failed', (job, error) => {
      // A parked-event job fails on purpose (that is how it shows in Bull Board); the relay logged it.
      if (job?.name === JOB.outboxEventParked && job.attemptsMade <= 1) return;
      if (queue === QUEUE.outboxRelay || queue === QUEUE.outboxRetention) {
        deps.logger.error({ queue, jobId: job?.id, err: error.message }, 'outbox job failed');
      }
      if (queue === QUEUE.userRetention) {
        deps.logger.error({ queue, jobId: job?.id, err: error.message }, 'user retention job failed');
      }
    });
    return worker;
  });

  return {
    workers,
    async ready() {
      await Promise.all([outbox.schedules, userRetentionSchedule, ...workers.map((w) => w.waitUntilReady())]);
    },
    async close() {
      // Jobs still running at a deadline are left to BullMQ's stalled-job recovery elsewhere.
      const inbound = workers.filter((w) => w.name === QUEUE.inbound);
      const rest = workers.filter((w) => w.name !== QUEUE.inbound);
      await Promise.all(inbound.map((w) => closeWithin(w, INBOUND_CLOSE_MS)));
      await Promise.all(rest.map((w) => closeWithin(w, OTHERS_CLOSE_MS)));
      await outbox.close();
    },
  };
}

async function closeWithin(worker: Worker, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([worker.close().then(() => 'closed' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'late') await worker.close(true);
}
