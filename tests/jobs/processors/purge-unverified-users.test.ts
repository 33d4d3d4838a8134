import { Worker, type Job } from 'bullmq';
import { makePurgeUnverifiedUsersProcessor } from '../../../src/jobs/processors/purge-unverified-users';
import { JOB, QUEUE, queuePrefix } from '../../../src/jobs/queues';
import { startWorkers, type WorkerHandle } from '../../../src/jobs/register';
import { closeQueues, makeQueues } from '../../../src/jobs/make-queues';
import { createUser } from '../../../src/repos/users';
import { USER_RETENTION_SCHEDULER_ID } from '../../../src/users/unverified-retention';
import { eventually } from '../../support/eventually';
import { makeRedisFor, REDIS_MODES } from '../../support/redis-modes';
import { makeFakeTwilio } from '../fake-twilio';
import { makeTestDeps, type TestDeps } from '../test-deps';

// Retention runs on one Redis and on a Redis Cluster alike (its queue and schedule in one slot).
describe.each(REDIS_MODES)('unverified-user retention on %s Redis', (mode) => {
  let t: TestDeps;
  let worker: Worker | undefined;
  const handles: WorkerHandle[] = [];
  beforeEach(async () => (t = await makeTestDeps(makeFakeTwilio(), { redis: mode })));
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await Promise.all(handles.splice(0).map((h) => h.close()));
    await t.close();
  });

  let nextPhone = 0;
  async function expiredUsers(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const { id } = await createUser(t.deps.db, { phoneNumber: `+447700900${String(600 + nextPhone++)}` });
      await t.deps.db.query(
        `update whatsapp_handler.users set created_at = now() - interval '8 days' where id = $1::uuid`,
        [id],
      );
    }
  }

  const count = async (table: string) =>
    Number((await t.deps.db.query(`select count(*) as n from whatsapp_handler.${table}`)).rows[0].n);

  test('running the same job twice leaves the same end state: the second run deletes and emits nothing', async () => {
    await expiredUsers(3);
    const process = makePurgeUnverifiedUsersProcessor({ ...t.deps, retentionDays: 7 });
    const job = { queueName: QUEUE.userRetention, id: 'repeat:user-retention:1', data: {} } as Job;

    const first = await process(job);
    const second = await process(job);

    expect(first).toEqual({ deleted: 3, batches: 1, more: false });
    expect(second).toEqual({ deleted: 0, batches: 1, more: false });
    expect(await count('users')).toBe(0);
    expect(await count('outbox_events')).toBe(3);
  });

  test('a purge that runs out of time queues follow-up runs until every expired user is gone', async () => {
    await expiredUsers(12);
    // One batch of 5 per run, then out of time: three runs are needed.
    const process = makePurgeUnverifiedUsersProcessor(
      { ...t.deps, retentionDays: 7 },
      { batchSize: 5, timeBudgetMs: 0 },
    );
    let runs = 0;
    worker = new Worker(QUEUE.userRetention, (job) => (runs++, process(job)), {
      connection: t.redis,
      prefix: queuePrefix(t.prefix, QUEUE.userRetention),
    });

    const queue = t.deps.queues[QUEUE.userRetention];
    await queue.add(JOB.purgeUnverifiedUsers, {}, { attempts: 1 });
    await eventually(async () => expect(await count('users')).toBe(0), { what: 'every expired user deleted' });
    await eventually(
      async () =>
        expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 }),
      { what: 'no purge run left' },
    );

    expect(runs).toBe(3);
    expect(await count('outbox_events')).toBe(12);
  });

  test('three worker starts on one prefix leave exactly one user-retention schedule', async () => {
    // Each start has its own Redis connection and Queue objects, as separate processes would.
    const connections = [makeRedisFor(mode), makeRedisFor(mode), makeRedisFor(mode)];
    const queueSets = connections.map((redis) => makeQueues(redis, t.prefix));
    try {
      for (const [i, redis] of connections.entries()) {
        const handle = startWorkers({ ...t.deps, redis, queues: queueSets[i]! }, { queues: [QUEUE.userRetention] });
        handles.push(handle);
        await handle.ready();
      }

      const schedules = await t.deps.queues[QUEUE.userRetention].getJobSchedulers();
      expect(schedules.map((s) => [s.key, s.every])).toEqual([[USER_RETENTION_SCHEDULER_ID, 60 * 60_000]]);
    } finally {
      await Promise.all(handles.splice(0).map((h) => h.close()));
      await Promise.all(queueSets.map(closeQueues));
      connections.forEach((c) => c.disconnect());
    }
  });

  test('a worker started without the user-retention queue installs no schedule for it', async () => {
    const handle = startWorkers(t.deps, { queues: [QUEUE.messageStatus] });
    handles.push(handle);
    await handle.ready();

    expect(await t.deps.queues[QUEUE.userRetention].getJobSchedulers()).toEqual([]);
  });

  test('the scheduled run deletes expired users on its own once the worker starts', async () => {
    await expiredUsers(2);

    const handle = startWorkers(t.deps, { queues: [QUEUE.userRetention] });
    handles.push(handle);
    await handle.ready();

    await eventually(async () => expect(await count('users')).toBe(0), { what: 'the first scheduled run' });
    expect(await count('outbox_events')).toBe(2);
  });
});
