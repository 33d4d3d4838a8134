// One sender over SENDER_MESSAGES_PER_MINUTE: one "slow down" reply, the rest of that minute
// acknowledged and dropped, counted; another sender is not affected.
import { texts } from '../../src/conversation/texts';
import { QUEUE } from '../../src/jobs/queues';
import { startWorkers, type WorkerHandle } from '../../src/jobs/register';
import { eventually } from '../support/eventually';
import { makeFakeTwilio, type FakeTwilio } from './fake-twilio';
import { receive } from './inbound-sender';
import { makeTestDeps, type TestDeps } from './test-deps';

describe('a sender flooding the bot', () => {
  let twilio: FakeTwilio;
  let t: TestDeps;
  let workers: WorkerHandle;

  beforeEach(async () => {
    twilio = makeFakeTwilio();
    t = await makeTestDeps(twilio, { env: { SENDER_MESSAGES_PER_MINUTE: '3' } });
    workers = startWorkers(t.deps, { concurrency: 4, queues: [QUEUE.inbound] });
    await workers.ready();
  });
  afterEach(async () => {
    await workers.close();
    await t.close();
  });

  const repliesTo = (phone: string) => twilio.sent.filter((m) => m.to === `whatsapp:${phone}`).map((m) => m.body);

  it('gets one "slow down" reply; the rest of the minute is dropped; others are served', async () => {
    // Every message stamped in one minute, whenever the test runs.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const flooder = '+447700900901';
    const other = '+447700900902';
    const sids = [];
    for (let i = 0; i < 6; i++) sids.push(await receive(t.deps, flooder, 'hi', { timestamp: minute }));
    await receive(t.deps, other, 'hi', { timestamp: minute });

    await eventually(async () => {
      const done = await t.deps.queues[QUEUE.inbound].getCompletedCount();
      expect(done).toBe(7);
    });
    // The first three handled as usual (a stranger's "hi" is answered with the welcome, then hints).
    expect(repliesTo(flooder)).toHaveLength(4);
    expect(repliesTo(flooder)[0]).toBe(texts.welcome);
    expect(repliesTo(flooder)[3]).toBe(texts.slowDown);
    expect(repliesTo(other)).toEqual([texts.welcome]);
    const counted = (await t.deps.metrics.inboundFlood.get()).values.map((v) => [v.labels.action, v.value]);
    expect(counted).toEqual(
      expect.arrayContaining([
        ['warned', 1],
        ['dropped', 2],
      ]),
    );
  });
});
