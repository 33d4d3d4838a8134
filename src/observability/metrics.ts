// Prometheus metrics, one registry per process (in deps, not a module singleton, so tests and
// the combined dev process never collide).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Job, Worker } from 'bullmq';
import type { RedisClient } from '../redis';
import { readStreamBacklog, type StreamBacklog } from '../inbound-events/stream-backlog';
import type { Queues } from '../jobs/make-queues';
import { JOB } from '../jobs/queues';

export type Metrics = {
  registry: Registry;
  webhookDuration: Histogram<'route' | 'status'>;
  jobDuration: Histogram<'queue' | 'outcome'>;
  jobFailures: Counter<'queue' | 'final'>;
  jobsStalled: Counter<'queue'>;
  deliveryStatus: Counter<'status'>;
  outboundFailures: Counter<'kind' | 'error_code'>;
  verifyFailures: Counter<'operation' | 'error_code'>;
  inboundEvents: Counter<'type' | 'outcome'>;
  claimNotifications: Counter<'outcome' | 'reason' | 'sent_as'>;
  inboundFlood: Counter<'action'>;
  usersDeleted: Counter<'reason'>;
};

// Jobs whose first run fails on purpose, so that they wait in Bull Board's failed list for an
// operator (a parked outbox event, a kept claim event): that failure is not counted.
const FAILED_ON_PURPOSE = new Set<string>([JOB.outboxEventParked, JOB.inboundEventKept]);
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;
// A scrape must not wait for Redis to come back (BullMQ waits for its connection): well under
// Prometheus's scrape timeout (10 s by default), the values read from Redis give up.
const REDIS_READ_TIMEOUT_MS = 2_000;

/** The work's result, or a rejection once `ms` have passed. */
function within<T>(work: Promise<T>, ms = REDIS_READ_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function makeMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhookDuration: new Histogram({
      name: 'whatsapp_webhook_duration_seconds',
      help: 'Time to answer a Twilio webhook, by route and HTTP status',
      labelNames: ['route', 'status'],
      // The target is p99 <= 25 ms; buckets are dense below that.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'whatsapp_job_duration_seconds',
      help: 'Time a worker spent on a job, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobFailures: new Counter({
      name: 'whatsapp_job_failures_total',
      help: 'Failed job attempts by queue; final="true" when no retry is left',
      labelNames: ['queue', 'final'],
      registers: [registry],
    }),
    jobsStalled: new Counter({
      name: 'whatsapp_jobs_stalled_total',
      help: 'Active jobs whose worker stopped renewing their lock (died or blocked), moved back to wait, by queue',
      labelNames: ['queue'],
      registers: [registry],
    }),
    deliveryStatus: new Counter({
      name: 'whatsapp_outbound_delivery_status_total',
      help: "Twilio delivery status callbacks for the bot's messages, by status",
      labelNames: ['status'],
      registers: [registry],
    }),
    outboundFailures: new Counter({
      name: 'whatsapp_outbound_failures_total',
      help:
        'Messages Twilio did not take or deliver, by kind (refused: the API refused it for good; retried: ' +
        'the API failed with 429, 5xx or a network error and the send is tried again; undelivered: a ' +
        'failed or undelivered status callback) and Twilio error code ("none" when Twilio gave none)',
      labelNames: ['kind', 'error_code'],
      registers: [registry],
    }),
    verifyFailures: new Counter({
      name: 'whatsapp_verify_failures_total',
      help:
        'Twilio Verify calls that failed, by operation (start, check, cancel) and Twilio error code ("none" ' +
        "when Twilio gave none); a passenger's own limits (60202, 60203) and an expired code (20404) are not failures",
      labelNames: ['operation', 'error_code'],
      registers: [registry],
    }),
    inboundEvents: new Counter({
      name: 'whatsapp_inbound_events_total',
      help: 'Claim events received from other services, by type (unknown types as "other") and outcome',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    inboundFlood: new Counter({
      name: 'whatsapp_inbound_flood_total',
      help: "Messages over a sender's per-minute limit: warned (told to slow down, once a minute) or dropped",
      labelNames: ['action'],
      registers: [registry],
    }),
    claimNotifications: new Counter({
      name: 'whatsapp_claim_notifications_total',
      help: 'Claim-update messages: sent (as text or template) or skipped, with the reason',
      labelNames: ['outcome', 'reason', 'sent_as'],
      registers: [registry],
    }),
    usersDeleted: new Counter({
      name: 'whatsapp_users_deleted_total',
      help: 'Users deleted, by reason: user_request (DELETE MY DATA) or unverified_expired (retention)',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}

/**
 * Adds gauges of jobs per queue and state and of the oldest waiting job's age, read from Redis when
 * /metrics is scraped. While Redis cannot answer they are left out of the scrape rather than
 * failing it: the webhook metrics that show the outage must still be served.
 */
export function observeQueueDepth(metrics: Metrics, queues: Queues): void {
  new Gauge({
    name: 'whatsapp_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      try {
        const counts = await within(
          Promise.all(Object.values(queues).map((queue) => queue.getJobCounts(...JOB_STATES))),
        );
        Object.values(queues).forEach((queue, i) => {
          for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[i]![state] ?? 0);
        });
      } catch {
        // Redis is down: no value is better than a wrong one.
      }
    },
  });
  new Gauge({
    name: 'whatsapp_queue_oldest_waiting_age_seconds',
    help:
      'Age of the oldest job waiting for a worker, per queue, from when it was first added (a message that ' +
      'went back to wait for its turn counts from its arrival); 0 when none waits',
    labelNames: ['queue'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const now = Date.now();
      try {
        const oldest = await within(
          Promise.all(Object.values(queues).map((queue) => queue.getJobs(['wait'], 0, 0, true))),
        );
        Object.values(queues).forEach((queue, i) => {
          const added = oldest[i]![0]?.timestamp;
          this.set({ queue: queue.name }, added === undefined ? 0 : Math.max(0, now - added) / 1000);
        });
      } catch {
        // As above.
      }
    },
  });
}

/**
 * Adds gauges of the inbound events stream's backlog for the consumer group, read from Redis when
 * /metrics is scraped (one read serves the three); left out of a scrape Redis cannot answer.
 */
export function observeInboundEventsStream(metrics: Metrics, redis: RedisClient, stream: string): void {
  let pending: Promise<StreamBacklog | undefined> | undefined;
  const backlog = () => {
    pending ??= within(readStreamBacklog(redis, stream))
      .catch(() => undefined)
      .finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  const gauge = (name: string, help: string, read: (backlog: StreamBacklog) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['stream'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        const current = await backlog();
        const value = current === undefined ? undefined : read(current);
        if (value !== undefined) this.set({ stream }, value);
      },
    });
  gauge(
    'whatsapp_inbound_events_lag',
    'Entries of the inbound events stream not yet read by the consumer group (absent when Redis cannot tell)',
    (b) => b.lag,
  );
  gauge(
    'whatsapp_inbound_events_pending',
    'Entries of the inbound events stream read by a consumer and not yet acknowledged',
    (b) => b.pending,
  );
  gauge(
    'whatsapp_inbound_events_oldest_age_seconds',
    'Age of the oldest entry the consumer group has not acknowledged (pending or not yet read), from its ' +
      'stream id; 0 when none',
    (b) => b.oldestAgeSeconds,
  );
}

/** Records job duration, failures and stalls of a Worker. */
export function observeWorker(worker: Worker, metrics: Metrics): void {
  const seconds = (job: Job) => (job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0);
  // At zero from the start, so the first failure or stall is an increase Prometheus can see.
  metrics.jobFailures.inc({ queue: worker.name, final: 'true' }, 0);
  metrics.jobsStalled.inc({ queue: worker.name }, 0);
  worker.on('completed', (job) =>
    metrics.jobDuration.observe({ queue: worker.name, outcome: 'completed' }, seconds(job)),
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    // DelayedError is how an ordered job waits its turn: not a failure.
    if (error?.name === 'DelayedError') return;
    if (FAILED_ON_PURPOSE.has(job.name) && job.attemptsMade <= 1) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error?.name === 'UnrecoverableError';
    metrics.jobFailures.inc({ queue: worker.name, final: String(final) });
    metrics.jobDuration.observe({ queue: worker.name, outcome: 'failed' }, seconds(job));
  });
  // Emitted by whichever worker found the stalled job (its own worker may be dead).
  worker.on('stalled', () => metrics.jobsStalled.inc({ queue: worker.name }));
}

/**
 * A Twilio error code as a label value: Twilio's codes are a few digits; anything else becomes
 * "other", so a strange value never makes new time series.
 */
export function errorCodeLabel(code: string | number | undefined): string {
  if (code === undefined) return 'none';
  const text = String(code);
  return /^[0-9]{1,6}$/.test(text) ? text : 'other';
}
