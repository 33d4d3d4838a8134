import { Cluster, Redis } from 'ioredis';

/** A connection to one Redis or to a Redis Cluster: every module takes either. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one server by URL, or a cluster by some of its nodes (config.redisClusterNodes). */
export type RedisTarget = {
  redisUrl: string;
  redisClusterNodes?: Array<{ host: string; port: number }> | undefined;
};

export type RedisPurpose =
  /** The web process: commands fail fast (a quick 503 lets Twilio retry), auto-pipelined. */
  | 'web'
  /** A worker's own commands (lanes, effects, state): they wait for Redis, auto-pipelined. */
  | 'worker'
  /** BullMQ's Queues and Workers in a worker process: they wait for Redis, one command per write. */
  | 'worker-queues';

/**
 * A Redis connection. BullMQ workers need maxRetriesPerRequest: null (they block on Redis); the
 * web process wants commands to fail fast instead, so a dead Redis becomes a quick 503.
 *
 * Auto-pipelining sends every command issued in one tick in one write. On this machine a socket
 * write costs more than the command, and a turn's commands come from many jobs at once, so it
 * pays. BullMQ's worker connections go without it: they duplicate themselves for blocking
 * commands, which must not share a write with others; and ioredis sends a defined script's whole
 * text (BullMQ's finishing script is 40 KB) with every call made in an auto-pipeline, where it
 * sends only the SHA1 once the connection has loaded it.
 *
 * On a cluster the same holds per node: ioredis groups auto-pipelined commands by the node that
 * serves their slot, follows MOVED/ASK redirections, and refreshes its slot map after a failover.
 */
export function makeRedis(target: RedisTarget | string, purpose: RedisPurpose): RedisClient {
  const { redisUrl, redisClusterNodes } = typeof target === 'string' ? { redisUrl: target } : target;
  const options = {
    maxRetriesPerRequest: purpose === 'web' ? 1 : null,
    connectTimeout: 2_000,
  };
  const enableOfflineQueue = purpose !== 'web';
  const enableAutoPipelining = purpose !== 'worker-queues';
  if (redisClusterNodes === undefined || redisClusterNodes.length === 0) {
    return new Redis(redisUrl, { ...options, enableOfflineQueue, lazyConnect: false, enableAutoPipelining });
  }
  return new Cluster(redisClusterNodes, {
    redisOptions: options,
    enableOfflineQueue,
    enableAutoPipelining,
    // A failover takes the cluster's node timeout plus an election (seconds): keep trying, capped.
    clusterRetryStrategy: (times) => Math.min(100 * times, 2_000),
    // Commands sent while a slot has no master (mid-failover) are retried after a refresh.
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
    retryDelayOnTryAgain: 200,
  });
}

/** True when the client is a cluster client. */
export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

/** A new connection to the same Redis or cluster, for blocking reads (no auto-pipelining). */
export function duplicateWithoutPipelining(redis: RedisClient): RedisClient {
  return isCluster(redis)
    ? redis.duplicate(undefined, { enableAutoPipelining: false })
    : redis.duplicate({ enableAutoPipelining: false });
}
