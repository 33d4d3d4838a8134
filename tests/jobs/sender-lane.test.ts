import type { Redis } from 'ioredis';
import { redisKeys } from '../../src/jobs/redis-keys';
import { recordArrival } from '../../src/jobs/sender-arrival';
import { forgetSenderScript } from '../../src/jobs/redis-scripts';
import { finishTurn, takeTurn } from '../../src/jobs/sender-lane';
import { deletePrefix, makeTestRedis, testPrefix } from '../support/redis';

const PHONE = '+447700900301';
const sid = (n: number) => `SM${String(n).padStart(32, '0')}`;
const LOCK_MS = 10_000;
// What a turn starts from when the sender has no state and the message was never tried.
const FRESH = { state: null, snapshot: null, effects: {} };
// Every message received in one minute, so the flood count is the same whenever the test runs.
const MINUTE = Math.floor(Date.now() / 60_000) * 60_000;

describe('a sender lane in Redis', () => {
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

  const arrive = (n: number) => recordArrival(redis, keys(), { phone: PHONE, messageSid: sid(n) });
  const take = (n: number, token: string) =>
    takeTurn(redis, keys(), { phone: PHONE, messageSid: sid(n), receivedAtMs: MINUTE }, token, LOCK_MS);
  const finish = (n: number, token: string, result: 'processed' | 'ended' = 'processed') =>
    finishTurn(
      redis,
      keys(),
      { phone: PHONE, messageSid: sid(n), arrival: n, generation: 0, receivedAtMs: Date.now() },
      token,
      { state: undefined, result },
    );

  it('says a message has no number until its arrival is recorded, then gives its turn', async () => {
    expect(await take(1, 'a')).toEqual({ kind: 'unnumbered' });
    await arrive(1);
    expect(await take(1, 'a')).toEqual({ kind: 'run', arrival: 1, inMinute: 1, opened: FRESH });
    expect(await finish(1, 'a')).toEqual({ owned: true, advanced: true });
    expect(await take(1, 'b')).toEqual({ kind: 'done' });
  });

  it('says a message that ended its conversation is done, with its arrival while its number is kept', async () => {
    await arrive(1);
    await arrive(2);
    await take(1, 'a');
    await finish(1, 'a');
    await take(2, 'a');
    expect(await finish(2, 'a', 'ended')).toEqual({ owned: true, advanced: true });
    expect(await take(2, 'b')).toEqual({ kind: 'done', endedAt: 2 });
    expect(await take(1, 'b')).toEqual({ kind: 'done' });

    await redis.del(keys().messageSequence(PHONE, sid(2)));
    expect(await take(2, 'b')).toEqual({ kind: 'done' });
  });

  it("hands the turn what it starts from: the state, and a crashed first run's snapshot and effects", async () => {
    await arrive(1);
    await redis.set(keys().conversation(PHONE), '{"step":"menu"}');
    await redis.set(keys().inboundSnapshot(PHONE, sid(1)), '{"state":{"step":"menu"}}');
    await redis.hset(keys().inboundEffects(PHONE, sid(1)), '0:attempt', '1700000000000');
    expect(await take(1, 'a')).toMatchObject({
      kind: 'run',
      opened: {
        state: '{"step":"menu"}',
        snapshot: '{"state":{"step":"menu"}}',
        effects: { '0:attempt': '1700000000000' },
      },
    });
  });

  it('names the next message on finishing only when it was parked waiting for this one', async () => {
    await arrive(1);
    await arrive(2);
    await arrive(3);
    expect(await take(2, 'b')).toEqual({ kind: 'wait', next: 1 });
    expect(await take(1, 'a')).toEqual({ kind: 'run', arrival: 1, inMinute: 1, opened: FRESH });
    expect(await finish(1, 'a')).toEqual({ owned: true, advanced: true, nextMessageSid: sid(2) });

    // Message 3 never had to wait: nothing to wake when 2 finishes.
    expect(await take(2, 'b')).toEqual({ kind: 'run', arrival: 2, inMinute: 2, opened: FRESH });
    expect(await finish(2, 'b')).toEqual({ owned: true, advanced: true });
  });

  it('does not finish a turn whose lock another run holds', async () => {
    await arrive(1);
    expect(await take(1, 'a')).toEqual({ kind: 'run', arrival: 1, inMinute: 1, opened: FRESH });
    expect(await take(1, 'b')).toEqual({ kind: 'busy', next: 1 });
    expect(await finish(1, 'b')).toEqual({ owned: false, advanced: false });
  });

  it('forgets a sender only if they did not write again after the conversation ended', async () => {
    const id = keys().senderId(PHONE);
    const forget = (arrival: number) =>
      forgetSenderScript(
        redis,
        {
          sequence: keys().laneOf(id).sequence,
          lock: keys().laneOf(id).lock,
          conversation: keys().conversation(PHONE),
          others: keys().ofSender(id).slice(1),
        },
        { arrival },
      );
    await arrive(1);
    await arrive(2);
    await redis.set(keys().conversation(PHONE), '{"step":"awaiting-consent"}');
    // The conversation ended with message 1, and message 2 started a new one: it stays.
    expect(await forget(1)).toBe('returned');
    expect(await redis.get(keys().conversation(PHONE))).not.toBeNull();
    await redis.set(keys().laneOf(id).lock, 'a-turn');
    expect(await forget(2)).toBe('busy');
    await redis.del(keys().laneOf(id).lock);
    expect(await forget(2)).toBe('forgotten');
    expect(
      await redis.exists(keys().conversation(PHONE), keys().senderSequence(PHONE), keys().senderArrivals(PHONE)),
    ).toBe(0);
  });
});
