// Workers say at start when Redis may evict keys (BullMQ's jobs among them): on one Redis and on
// every master of a cluster.
import type { Cluster, Redis } from 'ioredis';
import { evictionPolicies, warnUnlessNoEviction } from '../../src/jobs/eviction-policy';
import { captureLogs } from '../support/log-lines';
import { makeTestRedis } from '../support/redis';
import { makeTestCluster } from '../support/redis-cluster-client';

let single: Redis;
let cluster: Cluster;
beforeAll(async () => {
  single = makeTestRedis();
  cluster = makeTestCluster();
  await cluster.ping();
});
afterAll(async () => {
  await single.quit();
  await cluster.quit();
});

test('reads the policy of one Redis as CONFIG GET reports it', async () => {
  const [, expected] = (await single.config('GET', 'maxmemory-policy')) as [string, string];
  expect((await evictionPolicies(single)).map(({ policy }) => policy)).toEqual([expected]);
});

test('warns once for each cluster master that may evict, naming it, and not for the others', async () => {
  const masters = cluster.nodes('master');
  expect(masters).toHaveLength(3);
  const logs = captureLogs();
  expect(await warnUnlessNoEviction(cluster, logs.logger)).toEqual([]);
  expect(logs.lines()).toEqual([]);

  const evicting = masters[1]!;
  await evicting.config('SET', 'maxmemory-policy', 'allkeys-lru');
  try {
    const found = await warnUnlessNoEviction(cluster, logs.logger);
    const node = `${evicting.options.host}:${evicting.options.port}`;
    expect(found).toEqual([{ node, policy: 'allkeys-lru' }]);
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 40, // pino's warn
        node,
        maxmemoryPolicy: 'allkeys-lru',
        msg: expect.stringMatching(/noeviction/),
      }),
    ]);
  } finally {
    await evicting.config('SET', 'maxmemory-policy', 'noeviction');
  }
});
