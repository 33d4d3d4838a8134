import { jobSeal } from '../../src/jobs/job-seal';
import { toOutboundJob } from '../../src/jobs/outbound-job';
import { JOB, QUEUE } from '../../src/jobs/queues';
import { startWorkers, type WorkerHandle } from '../../src/jobs/register';
import { eventually } from '../support/eventually';
import { makeFakeTwilio, type FakeTwilio } from './fake-twilio';
import { makeTestDeps, type TestDeps } from './test-deps';

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

  it('spaces sends evenly at the configured rate, with no one-second window over it', async () => {
    await t.deps.queues[QUEUE.outbound].addBulk(
      Array.from({ length: 12 }, (_, i) => ({
        name: JOB.sendMessage,
        data: toOutboundJob(
          { to: `whatsapp:+4477009001${String(i).padStart(2, '0')}`, body: 'Hello', idempotencyKey: `rate-${i}` },
          jobSeal(t.deps.config.senderKeySecret),
          t.deps.keys,
        ),
      })),
    );
    const sentAt: number[] = [];
    const send = twilio.sendMessage.bind(twilio);
    twilio.sendMessage = (input) => (sentAt.push(performance.now()), send(input));

    await eventually(() => expect(sentAt).toHaveLength(12), { timeoutMs: 10_000, what: '12 sends' });

    // 5 per second is one send every 200 ms: 12 take at least 11 intervals. A send that starts a
    // few ms late (timers, a Redis round trip) does not move the next slot, so a one-second window
    // opening on a late send may hold one more; a fixed-window limiter would let up to 10 through.
    const times = [...sentAt].sort((a, b) => a - b);
    expect(times[11]! - times[0]!).toBeGreaterThanOrEqual(11 * 200 - 50);
    const busiest = Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 1000).length));
    expect(busiest).toBeLessThanOrEqual(6);
  });

  it('closes every worker it started', async () => {
    await workers.close();

    expect(workers.workers.filter((worker) => worker.isRunning())).toEqual([]);
    workers = startWorkers(t.deps, { concurrency: 1, outbox: { sweepEveryMs: 60_000 } });
    await workers.ready();
  });
});
