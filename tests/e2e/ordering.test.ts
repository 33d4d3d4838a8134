// Per-sender order across two worker processes: interleaved bursts from many senders, every
// sender's replies complete and in order.
import { expectedReplies, repliesBySender, SCRIPT, sendBursts, senders, untilReplies, untilSettled } from './bursts';
import { REDIS_MODES } from '../support/redis-modes';
import { startStack, type Stack } from './stack';

describe.each(REDIS_MODES)('ordering across worker processes (%s Redis)', (mode) => {
  let stack: Stack;

  beforeAll(async () => {
    // At debug level each worker logs the messages it handled (their job records go as they complete).
    stack = await startStack({ redis: mode, workers: 2, env: { LOG_LEVEL: 'debug' } });
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
    const handled = stack.workers.map((worker) => worker.output().split('"msg":"message handled"').length - 1);
    expect(handled.every((count) => count > 0)).toBe(true);
    expect(handled.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(phones.length * SCRIPT.length);
  }, 90_000);
});
