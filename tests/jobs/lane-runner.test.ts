import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { makeLogger } from '../../src/logger';
import { makeLaneRunner } from '../../src/jobs/lane-runner';
import type { TurnOutcome } from '../../src/jobs/sender-lane';
import { redisKeys } from '../../src/jobs/redis-keys';
import { QUEUE, queuePrefix } from '../../src/jobs/queues';
import { recordArrival } from '../../src/jobs/sender-arrival';
import { eventually } from '../support/eventually';
import { deletePrefix, makeTestRedis, testPrefix } from '../support/redis';

type LaneJob = { phone: string; sid: string; fail?: boolean };

function sid(phone: string, n: number): string {
  return `SM${phone.slice(1).padStart(16, '0')}${String(n).padStart(16, '0')}`;
}

describe('sender lanes', () => {
  let redis: Redis;
  let prefix: string;
  let queue: Queue;
  let worker: Worker | undefined;
  const keys = () => redisKeys(prefix);

  beforeEach(() => {
    redis = makeTestRedis();
    prefix = testPrefix();
    queue = new Queue(QUEUE.inbound, { connection: redis, prefix: queuePrefix(prefix, QUEUE.inbound) });
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  /** `work` may return the conversation state to save: null deletes it (the conversation ended). */
  function start(
    work: (data: LaneJob, turn: { arrival: number; late: boolean }) => Promise<void | TurnOutcome['state']>,
    options: { gapWaitMs?: number } = {},
  ) {
    const runInLane = makeLaneRunner({ redis, keys: keys(), logger: makeLogger('silent') }, queue, options);
    worker = new Worker(
      'inbound-messages',
      async (job: Job<LaneJob>, token?: string) =>
        runInLane(job, token, { phone: job.data.phone, messageSid: job.data.sid }, async (turn) => {
          return (await work(job.data, turn)) ?? undefined;
        }),
      { connection: redis, prefix: queuePrefix(prefix, QUEUE.inbound), concurrency: 8 },
    );
  }

  async function arrive(phone: string, n: number): Promise<LaneJob> {
    const message = { phone, sid: sid(phone, n) };
    await recordArrival(redis, keys(), { messageSid: message.sid, phone });
    return message;
  }

  it('processes out-of-order jobs of one sender in arrival order, one at a time, with concurrency 8', async () => {
    const senders = ['+447700900001', '+447700900002', '+447700900003', '+447700900004'];
    const perSender = 12;
    const messages: LaneJob[] = [];
    for (let n = 1; n <= perSender; n++) for (const phone of senders) messages.push(await arrive(phone, n));
    // Queue them in reverse order, so BullMQ hands out the latest arrivals first.
    const processed = new Map<string, number[]>(senders.map((phone) => [phone, []]));
    const active = new Map<string, number>();
    let overlaps = 0;
    start(async (data, turn) => {
      if ((active.get(data.phone) ?? 0) > 0) overlaps++;
      active.set(data.phone, (active.get(data.phone) ?? 0) + 1);
      // Not a wait: a turn that takes a while, so two turns of one sender would overlap if allowed.
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
      processed.get(data.phone)!.push(turn.arrival);
      active.set(data.phone, active.get(data.phone)! - 1);
    });
    await queue.addBulk(
      messages.reverse().map((data) => ({ name: 'inbound-message', data, opts: { jobId: data.sid } })),
    );

    await eventually(
      () => expect([...processed.values()].map((list) => list.length)).toEqual(senders.map(() => perSender)),
      {
        timeoutMs: 20_000,
        what: `${perSender} messages per sender`,
      },
    );

    const expected = Array.from({ length: perSender }, (_, i) => i + 1);
    for (const phone of senders) expect(processed.get(phone)).toEqual(expected);
    expect(overlaps).toBe(0);
  });

  it('a message that fails for good does not block the messages after it', async () => {
    const phone = '+447700900011';
    const first = await arrive(phone, 1);
    const second = await arrive(phone, 2);
    const third = await arrive(phone, 3);
    const processed: number[] = [];
    start(async (data, turn) => {
      if (data.fail) throw new UnrecoverableError('cannot handle this one');
      processed.push(turn.arrival);
    });

    await queue.add('inbound-message', third, { jobId: third.sid });
    await queue.add('inbound-message', { ...second, fail: true }, { jobId: second.sid });
    await queue.add('inbound-message', first, { jobId: first.sid });
    await eventually(() => expect(processed).toHaveLength(2), { timeoutMs: 20_000, what: 'two messages processed' });

    expect(processed).toEqual([1, 3]);
    // The lane moves on before BullMQ records the failure: wait for that record.
    await eventually(async () => expect(await (await queue.getJob(second.sid))!.getState()).toBe('failed'), {
      what: 'the second message failed',
    });
  });

  it('a redelivered message whose turn is over completes as a duplicate without running', async () => {
    const phone = '+447700900021';
    const message = await arrive(phone, 1);
    let runs = 0;
    start(async () => {
      runs++;
    });
    const first = await queue.add('inbound-message', message, { jobId: message.sid });
    await eventually(async () => expect(await first.getState()).toBe('completed'), {
      timeoutMs: 20_000,
      what: 'the first delivery completed',
    });
    expect(runs).toBe(1);

    const again = await queue.add('inbound-message', message, { jobId: `${message.sid}-again` });
    const result = await eventually(
      async () => {
        const job = (await queue.getJob(again.id!))!;
        expect(await job.getState()).toBe('completed');
        return job.returnvalue as unknown;
      },
      { timeoutMs: 20_000, what: 'the redelivery completed' },
    );

    expect(result).toEqual({ result: 'duplicate' });
    expect(runs).toBe(1);
  });

  it('a message that ended its conversation says so, with its arrival, and again on every redelivery', async () => {
    const phone = '+447700900026';
    await arrive(phone, 1);
    const message = await arrive(phone, 2);
    let runs = 0;
    start(async (data) => {
      runs++;
      // The second message ends the conversation: its state is deleted.
      return data.sid === message.sid ? { key: keys().conversation(phone), json: null, ttlSeconds: 60 } : undefined;
    });
    const completed = async (jobId: string) =>
      eventually(
        async () => {
          const job = (await queue.getJob(jobId))!;
          expect(await job.getState()).toBe('completed');
          return job.returnvalue as unknown;
        },
        { timeoutMs: 20_000, what: `${jobId} completed` },
      );
    await queue.add('inbound-message', { phone, sid: sid(phone, 1) }, { jobId: sid(phone, 1) });
    await queue.add('inbound-message', message, { jobId: message.sid });

    expect(await completed(sid(phone, 1))).toEqual({ result: 'processed' });
    expect(await completed(message.sid)).toEqual({ result: 'processed', endedAt: 2 });
    await queue.add('inbound-message', message, { jobId: `${message.sid}-again` });
    expect(await completed(`${message.sid}-again`)).toEqual({ result: 'duplicate', endedAt: 2 });
    expect(runs).toBe(2);
  });

  it('an arrival whose job never comes is skipped after the gap wait, and runs late if it comes after all', async () => {
    const phone = '+447700900031';
    const lost = await arrive(phone, 1);
    const next = await arrive(phone, 2);
    const turns: Array<{ arrival: number; late: boolean }> = [];
    start(
      async (_data, turn) => {
        turns.push(turn);
      },
      { gapWaitMs: 300 },
    );

    await queue.add('inbound-message', next, { jobId: next.sid });
    await eventually(() => expect(turns).toHaveLength(1), { timeoutMs: 20_000, what: 'the next arrival run' });
    await queue.add('inbound-message', lost, { jobId: lost.sid });
    await eventually(() => expect(turns).toHaveLength(2), { timeoutMs: 20_000, what: 'the lost arrival run late' });

    expect(turns).toEqual([
      expect.objectContaining({ arrival: 2, late: false, turnId: next.sid }),
      expect.objectContaining({ arrival: 1, late: true, turnId: lost.sid }),
    ]);
  });

  it('a message the webhook did not number is numbered by the worker after the grace period', async () => {
    // The arrival number is written in parallel with queueing; here it never is.
    const phone = '+447700900041';
    const message = { phone, sid: sid(phone, 1) };
    const turns: number[] = [];
    start(async (_data, turn) => {
      turns.push(turn.arrival);
    });

    await queue.add('inbound-message', message, { jobId: message.sid, timestamp: Date.now() - 10_000 } as never);
    await eventually(() => expect(turns).toHaveLength(1), { timeoutMs: 20_000, what: 'the unnumbered message run' });

    expect(turns).toEqual([1]);
  });
});
