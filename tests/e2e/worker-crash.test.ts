// A worker process SIGKILLed in the middle of a burst: another worker picks up its jobs (BullMQ's
// stalled-job recovery), no message is lost and no reply is sent twice. And one stopped with
// SIGTERM finishes its running jobs and exits 0 in time.
import {
  expectedReplies,
  repliesBySender,
  SCRIPT,
  sendBursts,
  senders,
  totalReplies,
  untilReplies,
  untilSettled,
} from './bursts';
import { startStack, type Stack } from './stack';

describe('a worker stopped mid-burst', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
  }, 60_000);
  afterAll(() => stack?.stop(), 30_000);

  it('loses no message and sends no reply twice once another worker takes over', async () => {
    const phones = senders(20, 500);
    const all = phones.length * SCRIPT.length;

    const sending = sendBursts(stack, phones);
    await untilReplies(stack, phones, all / 4, 30_000);
    const [victim] = stack.workers;
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    const repliesAtKill = totalReplies(stack, phones);
    await sending;
    await stack.startWorker();

    await untilReplies(stack, phones, all, 60_000);
    // Every job finished, the killed worker's ones included: a duplicate reply would be here by now.
    await untilSettled(stack, 30_000);

    expect(repliesAtKill).toBeLessThan(all);
    expect(repliesBySender(stack, phones)).toEqual(expectedReplies(phones));
  }, 120_000);

  it('a worker stopped with SIGTERM mid-burst exits 0 well within 25 s and the burst completes once', async () => {
    const phones = senders(20, 700);
    const all = phones.length * SCRIPT.length;
    const running = stack.workers.find((w) => w.child.exitCode === null && w.child.signalCode === null)!;

    const sending = sendBursts(stack, phones);
    await untilReplies(stack, phones, all / 4, 30_000);
    const stoppingAt = Date.now();
    running.child.kill('SIGTERM');
    const code = await running.exited;
    const tookMs = Date.now() - stoppingAt;
    await sending;
    await stack.startWorker();
    await untilReplies(stack, phones, all, 60_000);
    await untilSettled(stack, 30_000);

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(25_000);
    expect(repliesBySender(stack, phones)).toEqual(expectedReplies(phones));
  }, 120_000);
});
