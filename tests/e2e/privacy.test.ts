// What Redis keeps of a passenger, through real processes: after a whole onboarding and a journey
// report no key or value under the service's prefix holds their number or the code they typed
// (job data is sealed, keys name senders by a keyed hash); after DELETE MY DATA nothing of theirs
// is left at all: no key named by their hash, no job record.
import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../../src/redis';
import { eventually } from '../support/eventually';
import { newMessageSid } from './webhook-client';
import { scanPrefix } from '../support/redis';
import { REDIS_MODES } from '../support/redis-modes';
import { startStack, type Stack } from './stack';

const PHONE = '+447700900481';
const DIGITS = PHONE.slice(1);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(1024, 7), Buffer.from([0xff, 0xd9])]);

/** Every key under the prefix with its value as text, from every master of a cluster. */
async function dump(redis: RedisClient, prefix: string): Promise<Map<string, string>> {
  const nodes = isCluster(redis) ? (await redis.ping(), redis.nodes('master')) : [redis];
  const dumps = await Promise.all(nodes.map((node) => dumpNode(node, prefix)));
  return new Map(dumps.flatMap((found) => [...found]));
}

/** Every key under the prefix on one server with its value as text (all five types, and streams). */
async function dumpNode(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await scanPrefix(redis, `${prefix}:`)) {
    const type = await redis.type(key);
    const value =
      type === 'string'
        ? await redis.get(key)
        : type === 'hash'
          ? JSON.stringify(await redis.hgetall(key))
          : type === 'set'
            ? JSON.stringify(await redis.smembers(key))
            : type === 'zset'
              ? JSON.stringify(await redis.zrange(key, '0', '-1'))
              : type === 'list'
                ? JSON.stringify(await redis.lrange(key, 0, -1))
                : type === 'stream'
                  ? JSON.stringify(await redis.xrange(key, '-', '+'))
                  : '';
    out.set(key, value ?? '');
  }
  return out;
}

/** Where `token` appears as a whole token (not inside a longer run of digits or base64url). */
function holding(values: Map<string, string>, token: string): string[] {
  const pattern = new RegExp(`(?<![0-9A-Za-z_-])\\+?${token}(?![0-9A-Za-z_-])`);
  return [...values].filter(([key, value]) => pattern.test(key) || pattern.test(value)).map(([key]) => key);
}

describe.each(REDIS_MODES)('what Redis keeps of a passenger (%s Redis)', (mode) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ redis: mode, workers: 1 });
  }, 60_000);
  afterAll(() => stack?.stop(), 30_000);

  const replies = () => stack.twilio.messagesTo(`whatsapp:${PHONE}`).map((m) => m.body);
  async function send(
    body: string,
    media: Array<{ url: string; contentType: string }> = [],
    messageSid = newMessageSid(),
  ): Promise<string> {
    const before = replies().length;
    expect((await stack.webhooks.inbound({ from: PHONE, body, media, messageSid })).status).toBe(200);
    return eventually(
      () => {
        expect(replies().length).toBeGreaterThan(before);
        return replies()[before]!;
      },
      { timeoutMs: 20_000, what: `the reply to ${JSON.stringify(body)}` },
    );
  }

  it("holds neither the number nor the code after onboarding and a journey; nothing but the last message's number and outcome after DELETE MY DATA", async () => {
    await send('Hi');
    await send('YES');
    const code = stack.twilio.lastCode(PHONE)!;
    expect(code).toMatch(/^[0-9]{6}$/);
    await send(code);
    await send('1');
    await send('yesterday');
    await send('leeds');
    await send('york');
    await send('8:05');
    await send('9:10');
    await send('single');
    const photo = stack.twilio.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
    await send('', [{ url: photo.url, contentType: 'image/jpeg' }]);
    expect(await send('YES')).toMatch(/RR-[0-9A-Z]{6}/);

    const kept = await dump(stack.redis, stack.prefix);
    expect(kept.size).toBeGreaterThan(20);
    expect(holding(kept, DIGITS)).toEqual([]);
    expect(holding(kept, code)).toEqual([]);
    // The sender is there under their keyed hash.
    const sender = stack.keys.senderId(PHONE);
    expect([...kept.keys()].filter((key) => key.includes(sender)).length).toBeGreaterThan(0);

    await send('DELETE MY DATA');
    const ending = newMessageSid();
    expect(await send('DELETE', [], ending)).toMatch(/deleted/i);
    await eventually(
      async () => {
        const left = await dump(stack.redis, stack.prefix);
        // Only the ending message's number and outcome, until they expire: a late retry of its
        // webhook is then known as handled (src/jobs/processors/forget-sender.ts).
        expect([...left.keys()].filter((key) => key.includes(sender)).sort()).toEqual(
          stack.keys.messageKeysOf(sender, ending).sort(),
        );
        expect([...left.values()].filter((value) => value.includes(sender))).toEqual([]);
      },
      { timeoutMs: 20_000, what: 'the sender forgotten in Redis' },
    );
  }, 120_000);
});
