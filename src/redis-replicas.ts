// On a Redis Cluster a master answers a write before its replica has it: were the master to die
// in that moment, the replica promoted in its place would never have had the write. Where that
// would lose a message (a webhook's job, once Twilio has heard 200), the writer waits until a
// replica confirms it with WAIT. On one Redis there is no replica to wait for.
import calculateSlot from 'cluster-key-slot';
import { isCluster, type RedisClient } from './redis';

/** Resolves true once a replica holds every write made so far to `key`'s master; false if none did in time. */
export type ReplicaWait = (key: string) => Promise<boolean>;

/** A ReplicaWait on a cluster; undefined on one Redis, so callers skip it and add nothing there. */
export function makeReplicaWait(redis: RedisClient, options: { timeoutMs?: number } = {}): ReplicaWait | undefined {
  if (!isCluster(redis)) return undefined;
  const cluster = redis;
  const timeoutMs = options.timeoutMs ?? 500;
  // WAIT covers the writes its connection made before it, so one WAIT serves every writer that
  // finished before it was sent. Per master: the WAIT running, and the one queued behind it for
  // writers that finished after the running one was sent.
  const running = new Map<string, Promise<boolean>>();
  const queued = new Map<string, Promise<boolean>>();

  const send = (nodeKey: string): Promise<boolean> => {
    const node = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === nodeKey);
    if (!node) return Promise.resolve(false);
    const acked = (node.wait(1, timeoutMs) as Promise<number>).then(
      (replicas) => replicas >= 1,
      () => false,
    );
    running.set(nodeKey, acked);
    return acked.finally(() => {
      if (running.get(nodeKey) === acked) running.delete(nodeKey);
    });
  };

  return (key) => {
    // The client's own slot map: the master that took the write (it is refreshed after a failover).
    const nodeKey = cluster.slots[calculateSlot(key)]?.[0];
    if (nodeKey === undefined) return Promise.resolve(false);
    const current = running.get(nodeKey);
    if (current === undefined) return send(nodeKey);
    let next = queued.get(nodeKey);
    if (next === undefined) {
      next = current.then(() => {
        queued.delete(nodeKey);
        return send(nodeKey);
      });
      queued.set(nodeKey, next);
    }
    return next;
  };
}
