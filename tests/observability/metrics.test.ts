// The metrics the alert rules (ops/prometheus/alerts.yml) read that are not counted beside the
// work they count: queue age, stalled jobs and the claim events backlog, read from Redis.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { CONSUMER_GROUP } from '../../src/inbound-events/event-stream';
import { readStreamBacklog } from '../../src/inbound-events/stream-backlog';
import { ensureConsumerGroup } from '../../src/inbound-events/stream-consumer';
import { closeQueues, makeQueues, type Queues } from '../../src/jobs/make-queues';
import { JOB, QUEUE, queuePrefix } from '../../src/jobs/queues';
import {
  errorCodeLabel,
  makeMetrics,
  observeInboundEventsStream,
  observeQueueDepth,
  observeWorker,
} from '../../src/observability/metrics';
import { makeRedis } from '../../src/redis';
import { eventually } from '../support/eventually';
import { deletePrefix, makeTestRedis, testPrefix } from '../support/redis';

let redis: Redis;
let prefix: string;
let queues: Queues;
const streams: string[] = [];

beforeEach(() => {
  redis = makeTestRedis();
  prefix = testPrefix();
  queues = makeQueues(redis, prefix);
});
afterEach(async () => {
  await closeQueues(queues);
  if (streams.length > 0) await redis.del(...streams.splice(0));
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

type Sample = { labels: Record<string, string | number>; value: number };

async function samples(registry: ReturnType<typeof makeMetrics>['registry'], name: string): Promise<Sample[]> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []) as Sample[];
}

test('the oldest waiting job gives its queue an age; an empty queue is 0', async () => {
  const metrics = makeMetrics();
  observeQueueDepth(metrics, queues);
  const inbound = queues[QUEUE.inbound];
  await inbound.add('a', {}, { jobId: 'first' });
  await inbound.add('b', {}, { jobId: 'second' });
  // The first job arrived 90 s ago; the second just now.
  await redis.hset(
    `${queuePrefix(prefix, QUEUE.inbound)}:${QUEUE.inbound}:first`,
    'timestamp',
    String(Date.now() - 90_000),
  );

  const ages = await samples(metrics.registry, 'whatsapp_queue_oldest_waiting_age_seconds');

  const age = ages.find((s) => s.labels.queue === QUEUE.inbound)!.value;
  expect(age).toBeGreaterThanOrEqual(90);
  expect(age).toBeLessThan(120);
  expect(ages.find((s) => s.labels.queue === QUEUE.outbound)!.value).toBe(0);
  expect(ages).toHaveLength(Object.keys(queues).length);
});

test('while Redis cannot answer, the queue gauges are left out and the scrape still succeeds', async () => {
  const dead = makeRedis('redis://127.0.0.1:1', 'web');
  dead.on('error', () => undefined);
  const deadQueues = makeQueues(dead, prefix);
  for (const queue of Object.values(deadQueues)) queue.on('error', () => undefined);
  try {
    const metrics = makeMetrics();
    observeQueueDepth(metrics, deadQueues);
    observeInboundEventsStream(metrics, dead, `wh-test-dead-${randomUUID()}`);
    metrics.webhookDuration.observe({ route: '/webhooks/twilio/whatsapp', status: '503' }, 0.001);

    const text = await metrics.registry.metrics();

    expect(text).toContain('whatsapp_webhook_duration_seconds_count{route="/webhooks/twilio/whatsapp",status="503"} 1');
    expect(text).not.toMatch(/^whatsapp_queue_jobs\{/m);
    expect(text).not.toMatch(/^whatsapp_queue_oldest_waiting_age_seconds\{/m);
    expect(text).not.toMatch(/^whatsapp_inbound_events_\w+\{/m);
  } finally {
    dead.disconnect();
    await closeQueues(deadQueues).catch(() => undefined);
  }
});

test('a job whose worker stopped renewing its lock is counted as stalled by the worker that finds it', async () => {
  const metrics = makeMetrics();
  const name = QUEUE.outbound;
  await queues[name].add('send', {}, { jobId: 'stuck' });
  // A worker takes the job and then dies: its lock is never renewed.
  const dying = new Worker(name, null, { connection: redis, prefix: queuePrefix(prefix, name), lockDuration: 300 });
  const taken = await dying.getNextJob('dying-token');
  expect(taken?.id).toBe('stuck');
  await dying.close(true);

  const survivor = new Worker(name, async () => 'done', {
    connection: redis.duplicate(),
    prefix: queuePrefix(prefix, name),
    stalledInterval: 200,
    lockDuration: 300,
  });
  observeWorker(survivor, metrics);
  try {
    expect(await samples(metrics.registry, 'whatsapp_jobs_stalled_total')).toEqual([
      expect.objectContaining({ labels: { queue: name }, value: 0 }),
    ]);
    await eventually(async () =>
      expect(await samples(metrics.registry, 'whatsapp_jobs_stalled_total')).toEqual([
        expect.objectContaining({ labels: { queue: name }, value: 1 }),
      ]),
    );
  } finally {
    await survivor.close();
    (survivor.opts.connection as Redis).disconnect();
  }
});

test('failed attempts are counted, final ones as final; a job failing on purpose to wait in Bull Board is not', async () => {
  const metrics = makeMetrics();
  const worker = Object.assign(new EventEmitter(), { name: QUEUE.outboxRelay });
  observeWorker(worker as unknown as Worker, metrics);
  const job = (name: string, attemptsMade: number, attempts: number) => ({
    name,
    attemptsMade,
    opts: { attempts },
    processedOn: 1_000,
    finishedOn: 1_500,
  });

  worker.emit('failed', job(JOB.outboxEventParked, 1, 1), new UnrecoverableError('parked: retry to publish'));
  worker.emit('failed', job(JOB.relayOutbox, 1, 3), new Error('connection reset'));
  worker.emit('failed', job(JOB.relayOutbox, 3, 3), new Error('connection reset'));
  // An operator's retry of the parked event that fails again is a failure.
  worker.emit('failed', job(JOB.outboxEventParked, 2, 1), new UnrecoverableError('still failing'));

  expect(await samples(metrics.registry, 'whatsapp_job_failures_total')).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ labels: { queue: QUEUE.outboxRelay, final: 'true' }, value: 2 }),
      expect.objectContaining({ labels: { queue: QUEUE.outboxRelay, final: 'false' }, value: 1 }),
    ]),
  );
});

describe('the inbound events backlog', () => {
  const newStream = () => {
    const stream = `wh-test-backlog-${randomUUID()}`;
    streams.push(stream);
    return stream;
  };
  /** An entry id Redis would have given `secondsAgo` seconds ago, by Redis's clock. */
  const idFrom = async (secondsAgo: number, seq: number) => {
    const [seconds, micros] = await redis.time();
    return `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - secondsAgo * 1000}-${seq}`;
  };

  test('no stream yet: nothing waits', async () => {
    expect(await readStreamBacklog(redis, newStream())).toEqual({ lag: 0, pending: 0, oldestAgeSeconds: 0 });
  });

  test('no group yet: every entry waits, aged from the first', async () => {
    const stream = newStream();
    await redis.xadd(stream, await idFrom(60, 0), 'event_id', 'e1');
    await redis.xadd(stream, '*', 'event_id', 'e2');

    const backlog = await readStreamBacklog(redis, stream);

    expect(backlog).toMatchObject({ lag: 2, pending: 0 });
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(59);
    expect(backlog.oldestAgeSeconds).toBeLessThan(90);
  });

  test('entries read and not acknowledged are pending, the rest lag; the oldest of either gives the age', async () => {
    const stream = newStream();
    await ensureConsumerGroup(redis, stream);
    await redis.xadd(stream, await idFrom(120, 0), 'event_id', 'read-not-acked');
    await redis.xadd(stream, await idFrom(30, 0), 'event_id', 'unread-1');
    await redis.xadd(stream, '*', 'event_id', 'unread-2');
    await redis.xreadgroup('GROUP', CONSUMER_GROUP, 'a-consumer', 'COUNT', 1, 'STREAMS', stream, '>');

    const backlog = await readStreamBacklog(redis, stream);

    expect(backlog).toMatchObject({ lag: 2, pending: 1 });
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(119);
    expect(backlog.oldestAgeSeconds).toBeLessThan(150);

    // Acknowledged: only the unread entries are left, the older of them 30 s old.
    await redis.xack(stream, CONSUMER_GROUP, (await redis.xrange(stream, '-', '+', 'COUNT', 1))[0]![0]);
    const after = await readStreamBacklog(redis, stream);
    expect(after).toMatchObject({ lag: 2, pending: 0 });
    expect(after.oldestAgeSeconds).toBeGreaterThanOrEqual(29);
    expect(after.oldestAgeSeconds).toBeLessThan(60);
  });

  test('all read and acknowledged: no lag, no age', async () => {
    const stream = newStream();
    await ensureConsumerGroup(redis, stream);
    const id = await redis.xadd(stream, '*', 'event_id', 'e1');
    await redis.xreadgroup('GROUP', CONSUMER_GROUP, 'a-consumer', 'STREAMS', stream, '>');
    await redis.xack(stream, CONSUMER_GROUP, id!);

    expect(await readStreamBacklog(redis, stream)).toEqual({ lag: 0, pending: 0, oldestAgeSeconds: 0 });
  });

  test('the gauges show it, labelled with the stream', async () => {
    const stream = newStream();
    await ensureConsumerGroup(redis, stream);
    await redis.xadd(stream, await idFrom(45, 0), 'event_id', 'e1');
    const metrics = makeMetrics();
    observeInboundEventsStream(metrics, redis, stream);

    expect(await samples(metrics.registry, 'whatsapp_inbound_events_lag')).toEqual([
      expect.objectContaining({ labels: { stream }, value: 1 }),
    ]);
    expect(await samples(metrics.registry, 'whatsapp_inbound_events_pending')).toEqual([
      expect.objectContaining({ labels: { stream }, value: 0 }),
    ]);
    const [age] = await samples(metrics.registry, 'whatsapp_inbound_events_oldest_age_seconds');
    expect(age!.value).toBeGreaterThanOrEqual(44);
    expect(age!.value).toBeLessThan(75);
  });
});

test('Twilio error codes become label values; anything else is "other", none is "none"', () => {
  expect(errorCodeLabel(63016)).toBe('63016');
  expect(errorCodeLabel('21211')).toBe('21211');
  expect(errorCodeLabel(undefined)).toBe('none');
  expect(errorCodeLabel('63016; drop table')).toBe('other');
  expect(errorCodeLabel('1234567')).toBe('other');
});
