// Per-sender order across two worker processes: interleaved bursts from many senders, every
// sender's replies complete and in order.
import { Queue } from 'bullmq';
import { QUEUE, queuePrefix } from '../../src/jobs/queues';
import { expectedReplies, repliesBySender, SCRIPT, sendBursts, senders, untilReplies, untilSettled } from './bursts';
import { REDIS_MODES } from '../support/redis-modes';
import { startStack, type Stack } from './stack';

describe.each(REDIS_MODES)('ordering across worker processes (%s Redis)', (mode) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ redis: mode, workers: 2 });
  }, 60_000);
  afterAll(() => stack?.stop(), 30_000);

  it("answers interleaved bursts from 25 senders with every sender's replies complete and in order", async () => {
    const phones = senders(25);

    await sendBursts(stack, phones);
    await untilReplies(stack, phones, phones.length * SCRIPT.length, 60_000);
    // Every job finished and none left to run: a duplicate reply would be among these by now.
    await untilSettled(stack, 30_000);

    expect(repliesBySender(stack, phones)).toEqual(expectedReplies(phones));
    // Both processes took part.
    const queue = new Queue(QUEUE.inbound, {
      connection: stack.redis,
      prefix: queuePrefix(stack.prefix, QUEUE.inbound),
    });
    const jobs = await queue.getJobs(['completed']);
    await queue.close();
    const pids = new Set(jobs.map((job) => job.processedBy?.split(':').pop()));
    expect([...pids].sort()).toEqual(stack.workers.map((w) => String(w.child.pid)).sort());
  }, 90_000);
});
