// Forgetting a sender whose conversation ended: what stays and what goes, when it can be done at
// once and when it has to wait (src/jobs/processors/forget-sender.ts).
import type { Redis } from 'ioredis';
import { JOB, QUEUE } from '../../../src/jobs/queues';
import { forgetSender } from '../../../src/jobs/processors/forget-sender';
import { toOutboundJob } from '../../../src/jobs/outbound-job';
import { jobSeal } from '../../../src/jobs/job-seal';
import { scanPrefix } from '../../support/redis';
import { makeFakeTwilio } from '../fake-twilio';
import { receive } from '../inbound-sender';
import { makeTestDeps, type TestDeps } from '../test-deps';

const PHONE = '+447700900401';

describe('forgetting a sender', () => {
  let t: TestDeps;

  beforeEach(async () => {
    t = await makeTestDeps(makeFakeTwilio());
  });
  afterEach(() => t.close());

  /** Three messages of one conversation, numbered in the lane, their jobs still kept (no worker runs). */
  async function conversation(): Promise<string[]> {
    const sids = [];
    for (const body of ['Hi', 'help', 'cancel']) sids.push(await receive(t.deps, PHONE, body));
    return sids;
  }
  const ended = (sids: string[]) => ({ sender: t.deps.keys.senderId(PHONE), arrival: 3, messageSid: sids[2]! });
  const senderKeys = async () =>
    (await scanPrefix(t.redis as Redis, t.prefix)).filter((key) => key.includes(`{${t.deps.keys.senderId(PHONE)}}`));

  it("removes every kept job record and key of theirs but the ending message's number and outcome", async () => {
    const sids = await conversation();
    // An apology of theirs, listed with their jobs as the inbound processor lists it (earlier).
    const apologyId = `${sids[0]}-apology`;
    const seal = jobSeal(t.deps.config.senderKeySecret);
    const outbound = { to: `whatsapp:${PHONE}`, body: 'Sorry', idempotencyKey: apologyId };
    await t.deps.queues[QUEUE.outbound].add(JOB.sendMessage, toOutboundJob(outbound, seal, t.deps.keys), {
      jobId: apologyId,
    });
    await t.redis.zadd(t.deps.keys.senderJobs(PHONE), 1, apologyId); // listed before the ending message
    await t.redis.set(t.deps.keys.inboundDone(PHONE, sids[2]!), 'processed');

    expect(await forgetSender(t.deps, ended(sids))).toEqual({ outcome: 'forgotten', jobs: 4 });

    for (const sid of sids) expect(await t.deps.queues[QUEUE.inbound].getJob(sid)).toBeUndefined();
    expect(await t.deps.queues[QUEUE.outbound].getJob(apologyId)).toBeUndefined();
    expect((await senderKeys()).sort()).toEqual(
      t.deps.keys.messageKeysOf(t.deps.keys.senderId(PHONE), sids[2]!).sort(),
    );
  });

  it("leaves the ending message's own record to go as it completes, when its job does the forgetting", async () => {
    const sids = await conversation();

    expect(await forgetSender(t.deps, ended(sids), { fromEndingJob: true })).toEqual({ outcome: 'forgotten', jobs: 2 });

    expect(await t.deps.queues[QUEUE.inbound].getJob(sids[1]!)).toBeUndefined();
    expect(await t.deps.queues[QUEUE.inbound].getJob(sids[2]!)).toBeDefined();
  });

  it('waits while a new turn holds their lane, and finishes once it is free', async () => {
    const sids = await conversation();
    const lock = t.deps.keys.senderLock(PHONE);
    await t.redis.set(lock, 'another-turn', 'PX', 10_000);

    expect((await forgetSender(t.deps, ended(sids))).outcome).toBe('busy');
    expect(await t.redis.exists(t.deps.keys.senderSequence(PHONE))).toBe(1);

    await t.redis.del(lock);
    expect((await forgetSender(t.deps, ended(sids))).outcome).toBe('forgotten');
    expect(await t.redis.exists(t.deps.keys.senderSequence(PHONE))).toBe(0);
  });

  it('keeps a new conversation that started meanwhile, even one listed in the same millisecond', async () => {
    const sids = await conversation();
    const next = await receive(t.deps, PHONE, 'Hi again');
    // A burst: the webhook took it in the same millisecond as the message that ended the last one.
    const jobs = t.deps.keys.senderJobs(PHONE);
    await t.redis.zadd(jobs, (await t.redis.zscore(jobs, sids[2]!))!, next);

    expect((await forgetSender(t.deps, ended(sids))).outcome).toBe('returned');

    expect(await t.deps.queues[QUEUE.inbound].getJob(next)).toBeDefined();
    expect(await t.redis.zrange(t.deps.keys.senderJobs(PHONE), '0', '-1')).toEqual([next]);
  });

  it('looking again once they were forgotten keeps the conversation they started since', async () => {
    const sids = await conversation();
    expect((await forgetSender(t.deps, ended(sids))).outcome).toBe('forgotten');
    // They write again: a new lane, numbered from 1 again, below the ended conversation's 3.
    const next = await receive(t.deps, PHONE, 'Hi again');

    // A rerun of the ending job, or a look of the fallback job, after that.
    expect(await forgetSender(t.deps, ended(sids))).toEqual({ outcome: 'forgotten', jobs: 0 });

    expect(await t.redis.get(t.deps.keys.senderSequence(PHONE))).toBe('1');
    expect(await t.redis.zrange(t.deps.keys.senderJobs(PHONE), '0', '-1')).toEqual([next]);
    expect(await t.deps.queues[QUEUE.inbound].getJob(next)).toBeDefined();
  });
});
