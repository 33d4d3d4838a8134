import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { makePurgeOutboxProcessor } from '../../src/jobs/processors/purge-outbox';
import { JOB, QUEUE, queuePrefix } from '../../src/jobs/queues';
import { appendEvent } from '../../src/repos/outbox';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { eventually } from '../support/eventually';
import { registeredEvent } from '../support/events';
import { REDIS_MODES } from '../support/redis-modes';

describe.each(REDIS_MODES)('outbox retention on %s Redis', (mode) => {
  let t: TestDeps;
  let worker: Worker | undefined;
  beforeEach(async () => (t = await makeTestDeps(makeFakeTwilio(), { redis: mode })));
  afterEach(async () => {
    await worker?.close();
    await t.close();
  });

  test('a purge that runs out of time queues follow-up runs until every expired event is gone', async () => {
    for (let i = 0; i < 12; i++) {
      const { id } = await appendEvent(t.deps.db, registeredEvent({ userId: randomUUID() }));
      await t.deps.db.query(
        `update whatsapp_handler.outbox_events set published_at = now() - interval '30 days' where id = $1::uuid`,
        [id],
      );
    }
    const process = makePurgeOutboxProcessor(
      { ...t.deps, retentionDays: 7 },
      // One batch of 5 per run, then out of time: three runs are needed.
      { batchSize: 5, timeBudgetMs: 0 },
    );
    let runs = 0;
    worker = new Worker(QUEUE.outboxRetention, (job) => (runs++, process(job)), {
      connection: t.redis,
      prefix: queuePrefix(t.prefix, QUEUE.outboxRetention),
    });

    const queue = t.deps.queues[QUEUE.outboxRetention];
    await queue.add(JOB.purgeOutbox, {}, { attempts: 1 });
    const remaining = async () =>
      Number((await t.deps.db.query(`select count(*) as n from whatsapp_handler.outbox_events`)).rows[0].n);
    await eventually(async () => expect(await remaining()).toBe(0), { what: 'every expired event purged' });
    // The last run found too few rows to queue another: with no run left waiting or running, none will.
    await eventually(
      async () =>
        expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 }),
      { what: 'no purge run left' },
    );

    expect(runs).toBe(3);
  });
});
