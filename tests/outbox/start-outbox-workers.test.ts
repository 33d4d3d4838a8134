import { randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import { wakeOutboxRelay } from '../../src/events';
import { JOB, QUEUE } from '../../src/jobs/queues';
import { closeQueues, makeQueues } from '../../src/jobs/make-queues';
import { makeRedisStreamTransport } from '../../src/outbox/redis-stream-transport';
import { OUTBOX_QUEUES, startWorkers, type WorkerHandle } from '../../src/jobs/register';
import type { OutboxTransport } from '../../src/outbox/transport';
import { appendEvent } from '../../src/repos/outbox';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { eventually } from '../support/eventually';
import { makeTestRedis } from '../support/redis';
import { readStream } from './stream-helpers';
import { registeredEvent } from '../support/events';

let t: TestDeps;
const handles: WorkerHandle[] = [];
beforeEach(async () => (t = await makeTestDeps(makeFakeTwilio())));
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  await t.close();
});

/** The events on the stream once there are at least `count`. */
function published(count: number, timeoutMs = 10_000) {
  return eventually(
    async () => {
      const envelopes = await readStream(t.redis, `${t.prefix}:events`);
      expect(envelopes.length).toBeGreaterThanOrEqual(count);
      return envelopes;
    },
    { timeoutMs, what: `${count} event(s) on the stream` },
  );
}

test('three worker starts on one prefix leave exactly one sweep and one retention schedule', async () => {
  // Each start has its own Redis connection and Queue objects, as separate processes would.
  const connections = [makeTestRedis(), makeTestRedis(), makeTestRedis()];
  const queueSets = connections.map((redis) => makeQueues(redis, t.prefix));
  try {
    for (const [i, redis] of connections.entries()) {
      const handle = startWorkers({ ...t.deps, redis, queues: queueSets[i]! }, { queues: OUTBOX_QUEUES });
      handles.push(handle);
      await handle.ready();
    }

    const relaySchedules = await t.deps.queues[QUEUE.outboxRelay].getJobSchedulers();
    const retentionSchedules = await t.deps.queues[QUEUE.outboxRetention].getJobSchedulers();
    expect(relaySchedules.map((s) => s.key)).toEqual(['outbox-relay-sweep']);
    expect(retentionSchedules.map((s) => s.key)).toEqual(['outbox-retention']);
  } finally {
    await Promise.all(handles.splice(0).map((h) => h.close()));
    await Promise.all(queueSets.map(closeQueues));
    connections.forEach((c) => c.disconnect());
  }
});

test('a wake-up after commit publishes the event to the stream within moments', async () => {
  const handle = startWorkers(t.deps, { outbox: { sweepEveryMs: 60_000 }, queues: OUTBOX_QUEUES });
  handles.push(handle);
  await handle.ready();
  const userId = randomUUID();
  const { id } = await appendEvent(t.deps.db, registeredEvent({ userId }));

  await wakeOutboxRelay(t.deps.queues);

  const delivered = await published(1);
  expect(delivered.map((e) => e.event_id)).toEqual([id]);
});

test('the sweep publishes events nobody woke the relay for', async () => {
  const handle = startWorkers(t.deps, { outbox: { sweepEveryMs: 300 }, queues: OUTBOX_QUEUES });
  handles.push(handle);
  await handle.ready();
  const { id } = await appendEvent(t.deps.db, registeredEvent({ userId: randomUUID() }));

  const delivered = await published(1);
  expect(delivered.map((e) => e.event_id)).toEqual([id]);
});

test('a parked event shows as a failed job in Bull Board, and retrying that job publishes it', async () => {
  let consumerUp = false;
  const inner = makeRedisStreamTransport(t.redis, { stream: `${t.prefix}:events` });
  const transport: OutboxTransport = {
    name: 'flaky',
    publish: async (envelopes) =>
      consumerUp ? inner.publish(envelopes) : envelopes.map(() => ({ ok: false, error: 'HTTP 400', permanent: true })),
    close: async () => undefined,
  };
  const handle = startWorkers(t.deps, { outbox: { transport, sweepEveryMs: 60_000 }, queues: OUTBOX_QUEUES });
  handles.push(handle);
  await handle.ready();
  const { id } = await appendEvent(t.deps.db, registeredEvent({ userId: randomUUID() }));
  await wakeOutboxRelay(t.deps.queues);

  const relayQueue = t.deps.queues[QUEUE.outboxRelay];
  const failed = await eventually(
    async () => {
      const parked = (await relayQueue.getFailed()).find((job) => job.name === JOB.outboxEventParked);
      expect(parked).toBeDefined();
      return parked!;
    },
    { what: 'the parked event as a failed job' },
  );
  expect(failed.data).toMatchObject({ eventId: id, eventType: 'user.registered', lastError: 'HTTP 400' });
  expect(failed.failedReason).toContain(`outbox event ${id}`);

  consumerUp = true;
  // What Bull Board's "retry" button does.
  await (await Job.fromId(relayQueue, failed.id!))!.retry('failed');

  const delivered = await published(1);
  expect(delivered.map((e) => e.event_id)).toEqual([id]);
});

test('wake-ups during a relay run queue exactly one follow-up run, so no event waits for the sweep', async () => {
  const inner = makeRedisStreamTransport(t.redis, { stream: `${t.prefix}:events` });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  const transport: OutboxTransport = {
    name: 'held',
    async publish(envelopes) {
      // The first batch waits until the second event has been committed and its wake sent.
      if (calls++ === 0) await held;
      return inner.publish(envelopes);
    },
    close: async () => undefined,
  };
  const handle = startWorkers(t.deps, { outbox: { transport, sweepEveryMs: 600_000 }, queues: OUTBOX_QUEUES });
  handles.push(handle);
  const completed: string[] = [];
  handle.workers[0]!.on('completed', (job) => completed.push(job.name));
  await handle.ready();
  // A schedule with `every` runs its first job at once: let that sweep finish (finding nothing).
  await eventually(() => expect(completed).toHaveLength(1), { what: 'the first sweep' });
  completed.length = 0;
  calls = 0;
  const first = await appendEvent(t.deps.db, registeredEvent({ userId: randomUUID() }));
  await wakeOutboxRelay(t.deps.queues);
  await eventually(() => expect(calls).toBeGreaterThan(0), { what: 'the first batch at the transport' });

  const second = await appendEvent(t.deps.db, registeredEvent({ userId: randomUUID() }));
  await wakeOutboxRelay(t.deps.queues);
  await wakeOutboxRelay(t.deps.queues);
  release();

  const delivered = await published(2, 5_000);
  // Two runs done and no relay job left waiting or running (the sweep's next run, 600 s off, is
  // delayed): a third run would have to be one of those, so none can come after this.
  const relayQueue = t.deps.queues[QUEUE.outboxRelay];
  await eventually(
    async () => {
      expect(completed.length).toBeGreaterThanOrEqual(2);
      expect(await relayQueue.getJobCounts('waiting', 'active', 'prioritized')).toEqual({
        waiting: 0,
        active: 0,
        prioritized: 0,
      });
    },
    { timeoutMs: 5_000, what: 'the relay queue idle after two runs' },
  );
  expect(delivered.map((e) => e.event_id)).toEqual([first.id, second.id]);
  expect(completed).toEqual([JOB.relayOutbox, JOB.relayOutbox]);
});
