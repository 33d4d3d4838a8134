// BullMQ keeps every job in Redis: a Redis that evicts keys under memory pressure silently drops
// queued messages and half-finished turns. Workers read the policy at start and say so loudly.
// Read through INFO, which managed Redis services answer even where CONFIG is disabled.
import type { Logger } from '../logger';
import { isCluster, type RedisClient } from '../redis';

export type NodePolicy = { node: string; policy: string | undefined };

/** maxmemory-policy of the Redis, or of every master of a cluster. */
export async function evictionPolicies(redis: RedisClient): Promise<NodePolicy[]> {
  if (isCluster(redis) && redis.status !== 'ready') await redis.ping();
  const nodes = isCluster(redis) ? redis.nodes('master') : [redis];
  return Promise.all(
    nodes.map(async (node) => ({
      node: `${node.options.host ?? '127.0.0.1'}:${node.options.port ?? 6379}`,
      policy: /^maxmemory_policy:(\S+)/m.exec(await node.info('memory'))?.[1],
    })),
  );
}

/** Logs one warning per node whose policy is not noeviction; resolves with those nodes. */
export async function warnUnlessNoEviction(redis: RedisClient, logger: Logger): Promise<NodePolicy[]> {
  const evicting = (await evictionPolicies(redis)).filter(({ policy }) => policy !== 'noeviction');
  for (const { node, policy } of evicting) {
    logger.warn(
      { node, maxmemoryPolicy: policy ?? 'unknown' },
      `Redis at ${node} has maxmemory-policy ${policy ?? 'unknown'}: it may evict queued jobs; set it to noeviction (docs/runbook.md, "Redis")`,
    );
  }
  return evicting;
}
