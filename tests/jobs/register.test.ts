import { JOB, QUEUE } from '../../src/jobs/queues';
import { startWorkers, type WorkerHandle } from '../../src/jobs/register';
import { makeFakeTwilio, type FakeTwilio } from './fake-twilio';
import { makeTestDeps, type TestDeps } from './test-deps';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startWorkers', () => {
  let twilio: FakeTwilio;
  let t: TestDeps;
  let workers: WorkerHandle;

  beforeEach(async () => {
    twilio = makeFakeTwilio();
    t = await makeTestDeps(twilio, { env: { OUTBOUND_MESSAGES_PER_SECOND: '5' } });
    workers = startWorkers(t.deps, { concurrency: 8, outbox: { sweepEveryMs: 60_000 } });
    await workers.ready();
  });
  afterEach(async () => {
    await workers.close();
    await t.close();
  });

  it('sends no more than the configured number of messages per second', async () => {
    await t.deps.queues[QUEUE.outbound].addBulk(
      Array.from({ length: 12 }, (_, i) => ({
        name: JOB.sendMessage,
        data: { to: `whatsapp:+4477009001${String(i).padStart(2, '0')}`, body: 'Hello', idempotencyKey: `rate-${i}` },
      })),
    );
    while (twilio.history.length < 12) await sleep(20);

    // BullMQ's limiter counts in fixed windows that start with the first job: 5, 5, then 2.
    const times = twilio.history.map((m) => m.dateCreated.getTime()).sort((a, b) => a - b);
    expect(times.filter((time) => time < times[0]! + 900)).toHaveLength(5);
    expect(times[11]! - times[0]!).toBeGreaterThanOrEqual(1_900);
  });

  it('closes every worker it started', async () => {
    await workers.close();

    expect(workers.workers.filter((worker) => worker.isRunning())).toEqual([]);
    workers = startWorkers(t.deps, { concurrency: 1, outbox: { sweepEveryMs: 60_000 } });
    await workers.ready();
  });
});
