import type { Redis } from 'ioredis';
import { redisKeys } from '../../src/jobs/redis-keys';
import { arrivalOf, makeArrivalRecorder, recordArrival } from '../../src/jobs/sender-arrival';
import { deletePrefix, makeTestRedis, testPrefix } from '../support/redis';

const ALICE = '+447700900001';
const BOB = '+447700900002';
const sid = (n: number) => `SM${String(n).padStart(32, '0')}`;

describe('sender arrival numbers', () => {
  let redis: Redis;
  let prefix: string;
  const keys = () => redisKeys(prefix);

  beforeEach(() => {
    redis = makeTestRedis();
    prefix = testPrefix();
  });

  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('numbers each sender from 1 and keeps a MessageSid its first number on redelivery', async () => {
    expect(await recordArrival(redis, keys(), { messageSid: sid(1), phone: ALICE })).toBe(1);
    expect(await recordArrival(redis, keys(), { messageSid: sid(2), phone: BOB })).toBe(1);
    expect(await recordArrival(redis, keys(), { messageSid: sid(3), phone: ALICE })).toBe(2);
    expect(await recordArrival(redis, keys(), { messageSid: sid(1), phone: ALICE })).toBe(1);
    expect(await recordArrival(redis, keys(), { messageSid: sid(4), phone: ALICE })).toBe(3);
    expect(await redis.hgetall(keys().senderArrivals(ALICE))).toEqual({ 1: sid(1), 2: sid(3), 3: sid(4) });
    expect(await redis.ttl(keys().senderNext(ALICE))).toBe(-2); // not written until a worker advances it
    // As long as a message may wait for its turn (an outage), no longer.
    expect(await redis.ttl(keys().senderSequence(ALICE))).toBeGreaterThan(24 * 3600 - 60);
    expect(await redis.ttl(keys().senderSequence(ALICE))).toBeLessThanOrEqual(keys().ttl.unfinishedMessage);
  });

  it('sends the arrivals of one event-loop turn as one command per sender, numbered in call order', async () => {
    const record = makeArrivalRecorder(redis, keys());
    // Once first, so the script is loaded and no NOSCRIPT resend is counted below.
    await record({ messageSid: sid(99), phone: '+447700900099' });
    const sent = jest.spyOn(redis, 'sendCommand');
    const numbers = await Promise.all([
      record({ messageSid: sid(1), phone: ALICE }),
      record({ messageSid: sid(2), phone: BOB }),
      record({ messageSid: sid(3), phone: ALICE }),
      record({ messageSid: sid(1), phone: ALICE }), // a redelivery inside the same batch
    ]);
    expect(numbers).toEqual([1, 1, 2, 1]);
    // Alice's three in one call, Bob's in another: one script call touches one hash slot.
    expect(sent.mock.calls.filter(([command]) => /^eval/.test(command.name))).toHaveLength(2);
    expect(await arrivalOf(redis, keys(), ALICE, sid(3))).toBe(2);

    // The next turn is a new batch that continues the numbering.
    expect(await record({ messageSid: sid(4), phone: ALICE })).toBe(3);
    sent.mockRestore();
  });

  it("rejects the webhooks of a sender whose script call fails, not the others'", async () => {
    const record = makeArrivalRecorder(redis, keys());
    await redis.set(keys().senderSequence(ALICE), 'not a number');
    const results = await Promise.allSettled([
      record({ messageSid: sid(1), phone: BOB }),
      record({ messageSid: sid(2), phone: ALICE }),
    ]);
    // Bob's call is his own: numbered. Alice's webhook answers 503 and Twilio redelivers it.
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(await arrivalOf(redis, keys(), ALICE, sid(2))).toBeUndefined();
    await redis.del(keys().senderSequence(ALICE));
    expect(await record({ messageSid: sid(1), phone: BOB })).toBe(1);
    expect(await record({ messageSid: sid(2), phone: ALICE })).toBe(1);
  });
});
