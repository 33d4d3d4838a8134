// The Redis Cluster the tests share: TEST_REDIS_CLUSTER_NODES, set by jest's global setup (which starts
// one with scripts/redis-cluster.mjs) or given by the caller (`npm run cluster:up` prints it).
import { Cluster } from 'ioredis';

/** The nodes in TEST_REDIS_CLUSTER_NODES ("127.0.0.1:p1,...,127.0.0.1:p6"). */
export function clusterNodes(value = process.env.TEST_REDIS_CLUSTER_NODES): { host: string; port: number }[] {
  if (!value) {
    throw new Error(
      'TEST_REDIS_CLUSTER_NODES is not set: jest global setup sets it (or give the nodes npm run cluster:up printed)',
    );
  }
  return value
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean)
    .map((node) => {
      const colon = node.lastIndexOf(':');
      const port = Number(node.slice(colon + 1));
      if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
        throw new Error(`TEST_REDIS_CLUSTER_NODES: "${node}" is not host:port`);
      }
      return { host: node.slice(0, colon), port };
    });
}

/** A cluster client suitable for BullMQ workers (maxRetriesPerRequest must be null for them). */
export function makeTestCluster(nodes?: string): Cluster {
  return new Cluster(clusterNodes(nodes), { redisOptions: { maxRetriesPerRequest: null } });
}
