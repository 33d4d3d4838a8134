// The local Redis Cluster harness (scripts/redis-cluster.mjs, started by jest's global setup):
// the cluster is healthy, keys in many slots spread over its masters, and a prefix cleans away.
import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { clusterNodes, makeTestCluster } from '../support/redis-cluster-client';
import { deletePrefix, scanPrefix } from '../support/redis';

const KEYS = 200;

describe('the local Redis Cluster', () => {
  const prefix = `wh-harness-${randomBytes(4).toString('hex')}:`;
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = makeTestCluster();
    // Wait for the slot map: until then ioredis sends CLUSTER commands to any startup node and
    // counts every node as a master.
    await cluster.ping();
  });
  afterAll(async () => {
    await deletePrefix(cluster, prefix);
    await cluster.quit();
  });

  it('has 3 masters and 3 replicas and says cluster_state:ok', async () => {
    expect(clusterNodes()).toHaveLength(6);
    expect(await cluster.cluster('INFO')).toMatch(/^cluster_state:ok\r?$/m);
    expect(cluster.nodes('master')).toHaveLength(3);
    expect(cluster.nodes('slave')).toHaveLength(3);
  });

  it('holds keys in many slots across its masters, and deletePrefix removes them all', async () => {
    const keys = Array.from({ length: KEYS }, (_, i) => `${prefix}k${i}`);
    await Promise.all(keys.map((key, i) => cluster.set(key, `v${i}`)));
    expect(await Promise.all(keys.map((key) => cluster.get(key)))).toEqual(keys.map((_, i) => `v${i}`));

    const slots = new Set(await Promise.all(keys.map((key) => cluster.cluster('KEYSLOT', key))));
    expect(slots.size).toBeGreaterThan(100);
    const perMaster = await Promise.all(cluster.nodes('master').map((master) => scanPrefix(master, prefix)));
    expect(perMaster.filter((found) => found.length > 0).length).toBeGreaterThanOrEqual(2);
    expect(perMaster.flat().sort()).toEqual([...keys].sort());

    expect(await deletePrefix(cluster, prefix)).toBe(KEYS);
    const left = await Promise.all(cluster.nodes('master').map((master) => scanPrefix(master, prefix)));
    expect(left.flat()).toEqual([]);
    expect(await Promise.all(keys.map((key) => cluster.exists(key)))).toEqual(keys.map(() => 0));
  });
});
