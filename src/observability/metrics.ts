// Prometheus metrics, one registry per process (in deps, not a module singleton, so tests and
// the combined dev process never collide).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Job, Worker } from 'bullmq';
import type { Queues } from '../jobs/make-queues';

export type Metrics = {
  registry: Registry;
  webhookDuration: Histogram<'route' | 'status'>;
  jobDuration: Histogram<'queue' | 'outcome'>;
  jobFailures: Counter<'queue' | 'final'>;
  deliveryStatus: Counter<'status'>;
  inboundEvents: Counter<'type' | 'outcome'>;
  claimNotifications: Counter<'outcome' | 'reason' | 'sent_as'>;
  inboundFlood: Counter<'action'>;
  usersDeleted: Counter<'reason'>;
};

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

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
    deliveryStatus: new Counter({
      name: 'whatsapp_outbound_delivery_status_total',
      help: "Twilio delivery status callbacks for the bot's messages, by status",
      labelNames: ['status'],
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

/** Adds a gauge of jobs per queue and state, read from Redis when /metrics is scraped. */
export function observeQueueDepth(metrics: Metrics, queues: Queues): void {
  new Gauge({
    name: 'whatsapp_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      await Promise.all(
        Object.values(queues).map(async (queue) => {
          const counts = await queue.getJobCounts(...JOB_STATES);
          for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }),
      );
    },
  });
}

/** Records job duration and failures of a Worker. */
export function observeWorker(worker: Worker, metrics: Metrics): void {
  const seconds = (job: Job) => (job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0);
  worker.on('completed', (job) =>
    metrics.jobDuration.observe({ queue: worker.name, outcome: 'completed' }, seconds(job)),
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    // DelayedError is how an ordered job waits its turn: not a failure.
    if (error?.name === 'DelayedError') return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error?.name === 'UnrecoverableError';
    metrics.jobFailures.inc({ queue: worker.name, final: String(final) });
    metrics.jobDuration.observe({ queue: worker.name, outcome: 'failed' }, seconds(job));
  });
}
