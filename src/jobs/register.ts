// Wires every processor to its BullMQ Worker, with the concurrency, locks and rate limit each
// queue needs. The worker process (src/main/worker.ts) and the dev process both call startWorkers.
import { hostname } from 'node:os';
import { QueueEvents, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Deps } from '../main/deps';
import { JOB, QUEUE, type QueueName } from './queues';
import { makeCheckVerificationProcessor } from './processors/check-verification';
import { makeInboundMessageProcessor } from './processors/inbound-message';
import { makeMessageStatusProcessor } from './processors/message-status';
import { makeSendMessageProcessor } from './processors/send-message';
import { makeStartVerificationProcessor } from './processors/start-verification';
import { makeUpdatePreferenceProcessor } from './processors/update-preference';
import { startOutboxWorkers, type OutboxWorkersOptions } from '../outbox/start-outbox-workers';

// A crashed worker's inbound and outbound jobs go back to the queue within ~15 s instead of the
// default ~60 s: BullMQ renews the lock every half lockDuration while the process is alive.
const FAST_RECOVERY: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval'> = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
};

// Together under the 25 s a platform such as Heroku allows between SIGTERM and SIGKILL.
const INBOUND_CLOSE_MS = 12_000;
const OTHERS_CLOSE_MS = 6_000;

async function closeWithin(worker: Worker, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([worker.close().then(() => 'closed' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'late') await worker.close(true);
}

export type WorkerHandle = {
  workers: readonly Worker[];
  /** Waits until every QueueEvents the processors rely on is listening. */
  ready(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, then closes every connection it opened. */
  close(): Promise<void>;
};

export type StartWorkersOptions = {
  /** Jobs per queue in this process (defaults to config.workerConcurrency). */
  concurrency?: number;
  /** Passed to the outbox relay and retention workers. */
  outbox?: OutboxWorkersOptions;
};

export function startWorkers(deps: Deps, options: StartWorkersOptions = {}): WorkerHandle {
  const concurrency = options.concurrency ?? deps.config.workerConcurrency;
  const prefix = deps.config.redisKeyPrefix;
  const connection = deps.redis;

  // QueueEvents block on their connection, so each gets its own.
  const eventConnections: Redis[] = [];
  const events = (name: QueueName): QueueEvents => {
    const dedicated = deps.redis.duplicate();
    eventConnections.push(dedicated);
    return new QueueEvents(name, { connection: dedicated, prefix });
  };
  const waiters = {
    verification: events(QUEUE.verification),
    preferenceUpdate: events(QUEUE.preferenceUpdate),
    outbound: events(QUEUE.outbound),
  };

  const worker = (
    name: QueueName,
    processor: (job: Job, token?: string) => Promise<unknown>,
    extra: Partial<WorkerOptions> = {},
  ) => {
    // The name is stored on each job it processes (processedBy): which process handled what.
    const created = new Worker(name, processor, {
      connection,
      prefix,
      concurrency,
      name: `${hostname()}:${process.pid}`,
      ...extra,
    });
    // A Worker without an error listener would crash the process on a Redis hiccup.
    created.on('error', (error) => deps.logger.error({ queue: name, err: error.message }, 'worker error'));
    return created;
  };

  const startVerification = makeStartVerificationProcessor(deps);
  const checkVerification = makeCheckVerificationProcessor(deps);
  const workers: Worker[] = [
    worker(QUEUE.inbound, makeInboundMessageProcessor(deps, waiters), FAST_RECOVERY),
    worker(QUEUE.outbound, makeSendMessageProcessor(deps), {
      ...FAST_RECOVERY,
      // One global send rate across every worker process (BullMQ keeps the counter in Redis).
      limiter: { max: deps.config.outboundMessagesPerSecond, duration: 1_000 },
    }),
    worker(QUEUE.verification, (job) =>
      job.name === JOB.checkVerification ? checkVerification(job) : startVerification(job),
    ),
    worker(QUEUE.preferenceUpdate, makeUpdatePreferenceProcessor(deps)),
    worker(QUEUE.messageStatus, makeMessageStatusProcessor(deps)),
  ];

  const outbox = startOutboxWorkers(deps, options.outbox);

  return {
    workers: [...workers, ...outbox.workers],
    async ready() {
      await Promise.all([
        outbox.ready(),
        ...workers.map((w) => w.waitUntilReady()),
        ...Object.values(waiters).map((e) => e.waitUntilReady()),
      ]);
    },
    async close() {
      // Inbound first, while the queues its messages wait on still have workers; then the rest.
      // Jobs still running at a deadline are left to BullMQ's stalled-job recovery elsewhere.
      const [inbound, ...rest] = workers;
      await closeWithin(inbound!, INBOUND_CLOSE_MS);
      await Promise.all([...rest.map((w) => closeWithin(w, OTHERS_CLOSE_MS)), outbox.close()]);
      await Promise.all(Object.values(waiters).map((e) => e.close()));
      await Promise.all(eventConnections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
