// Each test file gets its own Redis key prefix so files can share one Redis server in parallel.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export function testPrefix(): string {
  return `wh-test-${randomBytes(4).toString('hex')}`;
}

export function redisUrl(): string {
  return process.env.REDIS_URL!;
}

/** A connection suitable for BullMQ workers (maxRetriesPerRequest must be null for them). */
export function makeTestRedis(): Redis {
  return new Redis(redisUrl(), { maxRetriesPerRequest: null });
}

/** Deletes every key under a prefix; call in afterAll. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
