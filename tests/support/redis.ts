// Each test file gets its own Redis key prefix so files can share one Redis server in parallel.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../../src/redis';

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

/** The keys under a prefix on one server. */
export async function scanPrefix(node: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/**
 * Deletes every key under a prefix, on one Redis or on every master of a cluster; call in
 * afterAll. On a cluster the keys may be in different slots, so each is unlinked on its own (a
 * multi-key UNLINK would be CROSSSLOT). Resolves with how many were deleted.
 */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<number> {
  if (!isCluster(redis)) {
    const keys = await scanPrefix(redis, prefix);
    return keys.length === 0 ? 0 : redis.del(...keys);
  }
  // The masters are known once the client has the slot map: a command waits for that.
  if (redis.status !== 'ready') await redis.ping();
  let deleted = 0;
  for (const master of redis.nodes('master')) {
    const keys = await scanPrefix(master, prefix);
    const counts = await Promise.all(keys.map((key) => redis.unlink(key)));
    deleted += counts.reduce((sum, count) => sum + count, 0);
  }
  return deleted;
}
