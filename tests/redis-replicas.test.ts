// A webhook is answered 200 on a cluster only once a replica holds its job: WAIT, shared by the
// writers that finished before it was sent.
import type { Cluster, Redis } from 'ioredis';
import calculateSlot from 'cluster-key-slot';
import { makeReplicaWait } from '../src/redis-replicas';
import { deletePrefix, makeTestRedis, testPrefix } from './support/redis';
import { makeTestCluster } from './support/redis-cluster-client';

let cluster: Cluster;
let single: Redis;
const prefix = testPrefix();
beforeAll(async () => {
  cluster = makeTestCluster();
  single = makeTestRedis();
  await cluster.ping();
});
afterAll(async () => {
  await deletePrefix(cluster, prefix);
  await cluster.quit();
  await single.quit();
});

test('on one Redis there is no replica to wait for: no wait at all', () => {
  expect(makeReplicaWait(single)).toBeUndefined();
});

test("a write is confirmed by its master's replica, which then holds it", async () => {
  const replicated = makeReplicaWait(cluster)!;
  const key = `${prefix}:{a}:job`;
  await cluster.set(key, 'queued');
  expect(await replicated(key)).toBe(true);
  // The replica of the key's master has the value.
  const [master, replica] = cluster.slots[calculateSlot(key)]!;
  expect(master).toBeDefined();
  const replicaNode = cluster.nodes('slave').find((n) => `${n.options.host}:${n.options.port}` === replica)!;
  await replicaNode.call('READONLY');
  expect(await replicaNode.get(key)).toBe('queued');
});

test('many writers to one master share a few WAITs, each sent after their writes', async () => {
  const replicated = makeReplicaWait(cluster)!;
  const keys = Array.from({ length: 50 }, (_, i) => `${prefix}:{b}:job-${i}`);
  const masterKey = cluster.slots[calculateSlot(keys[0]!)]![0]!;
  const master = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === masterKey)!;
  const sent = jest.spyOn(master, 'sendCommand');
  const results = await Promise.all(
    keys.map(async (key) => {
      await cluster.set(key, '1');
      return replicated(key);
    }),
  );
  expect(results.every(Boolean)).toBe(true);
  const waits = sent.mock.calls.filter(([command]) => command.name === 'wait').length;
  expect(waits).toBeGreaterThanOrEqual(1);
  expect(waits).toBeLessThan(keys.length / 5);
  sent.mockRestore();
});
