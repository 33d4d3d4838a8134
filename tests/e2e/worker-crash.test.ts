// A worker process SIGKILLed in the middle of a burst: another worker picks up its jobs (BullMQ's
// stalled-job recovery), no message is lost and no reply is sent twice.
import { EXPECTED, repliesBySender, SCRIPT, sendBursts, senders, totalReplies } from './bursts';
import { eventually, startStack, type Stack } from './stack';

describe('a worker killed mid-burst', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
  }, 60_000);
  afterAll(() => stack?.stop(), 30_000);

  it('loses no message and sends no reply twice once another worker takes over', async () => {
    const phones = senders(20, 500);
    const all = phones.length * SCRIPT.length;

    const sending = sendBursts(stack, phones);
    await eventually(
      () => totalReplies(stack, phones),
      (total) => total >= all / 4,
      30_000,
    );
    const [victim] = stack.workers;
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    const repliesAtKill = totalReplies(stack, phones);
    await sending;
    await stack.startWorker();

    await eventually(
      () => totalReplies(stack, phones),
      (total) => total >= all,
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a duplicate would show up here

    expect(repliesAtKill).toBeLessThan(all);
    const expected = Object.fromEntries(phones.map((phone) => [phone, EXPECTED]));
    expect(repliesBySender(stack, phones)).toEqual(expected);
  }, 120_000);
});
