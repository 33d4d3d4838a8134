// Real worker processes (dist/main/worker.js; `npm test` builds it first) on one prefix.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { wakeOutboxRelay } from '../../src/events';
import { closeQueues, makeQueues } from '../../src/jobs/make-queues';
import { QUEUE } from '../../src/jobs/queues';
import { appendEvent } from '../../src/repos/outbox';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { startService, waitForOutput, type ServiceProcess } from '../support/processes';
import { deletePrefix, redisUrl, testPrefix } from '../support/redis';
import { readStream } from './stream-helpers';
import { registeredEvent } from '../support/events';

let db: TestDatabase;
let redis: Redis;
let prefix: string;
let workers: ServiceProcess[] = [];

beforeEach(async () => {
  db = await createTestDatabase();
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  prefix = testPrefix();
});
afterEach(async () => {
  for (const worker of workers) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((worker) => worker.exited));
  workers = [];
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await db.drop();
});

test('three worker processes on one prefix install one sweep, one retention and one user-retention schedule, and relay events', async () => {
  const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl(), REDIS_KEY_PREFIX: prefix, NODE_ENV: 'test' };
  workers = [startService('worker', env), startService('worker', env), startService('worker', env)];
  // Three processes starting at once on a loaded 2-core CI machine can take a while.
  await Promise.all(
    workers.map((worker) => waitForOutput(worker, (output) => output.includes('workers ready'), 40_000)),
  );
  const queues = makeQueues(redis, prefix);
  try {
    const relaySchedules = await queues[QUEUE.outboxRelay].getJobSchedulers();
    const retentionSchedules = await queues[QUEUE.outboxRetention].getJobSchedulers();
    const userRetentionSchedules = await queues[QUEUE.userRetention].getJobSchedulers();
    const { id } = await appendEvent(db.pool, registeredEvent({ userId: randomUUID() }));
    await wakeOutboxRelay(queues);
    const delivered = await eventually(
      async () => {
        const envelopes = await readStream(redis, `${prefix}:events`);
        expect(envelopes).not.toHaveLength(0);
        return envelopes;
      },
      { what: 'the event on the stream' },
    );

    expect(relaySchedules.map((s) => s.key)).toEqual(['outbox-relay-sweep']);
    expect(retentionSchedules.map((s) => s.key)).toEqual(['outbox-retention']);
    expect(userRetentionSchedules.map((s) => s.key)).toEqual(['user-retention']);
    expect(delivered.map((e) => e.event_id)).toEqual([id]);
  } finally {
    await closeQueues(queues);
  }
}, 60_000);
