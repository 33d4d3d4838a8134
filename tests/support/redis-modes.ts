// The two Redis deployments the service runs on, for tests that run once on each: one Redis
// (REDIS_URL) and a Redis Cluster of 3 masters and 3 replicas (TEST_REDIS_CLUSTER_NODES, started
// by jest's global setup). A test's Redis client and the service processes' settings come from here.
import type { Cluster, Redis } from 'ioredis';
import { makeTestRedis, redisUrl } from './redis';
import { makeTestCluster } from './redis-cluster-client';

export type RedisMode = 'single' | 'cluster';
export const REDIS_MODES: readonly RedisMode[] = ['single', 'cluster'];

/** A client of the mode's Redis (the run's cluster unless given other nodes), suitable for BullMQ workers. */
export function makeRedisFor(mode: RedisMode, clusterNodes?: string): Redis | Cluster {
  return mode === 'cluster' ? makeTestCluster(clusterNodes) : makeTestRedis();
}

/** The service's environment for the mode: REDIS_URL, or REDIS_CLUSTER_NODES as well. */
export function redisEnvFor(mode: RedisMode, clusterNodes?: string): NodeJS.ProcessEnv {
  return mode === 'cluster'
    ? { REDIS_URL: redisUrl(), REDIS_CLUSTER_NODES: clusterNodes ?? process.env.TEST_REDIS_CLUSTER_NODES }
    : { REDIS_URL: redisUrl(), REDIS_CLUSTER_NODES: '' };
}
