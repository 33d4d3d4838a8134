import { Queue } from 'bullmq';
import type { RedisClient } from '../redis';
import { ALL_QUEUES, jobOptionsFor, queuePrefix, type QueueName } from './queues';

export type Queues = Record<QueueName, Queue>;

/** One Queue per name, sharing a connection; the prefix namespaces every key, one hash tag per queue. */
export function makeQueues(connection: RedisClient, prefix: string): Queues {
  const queues = {} as Queues;
  for (const name of ALL_QUEUES) {
    queues[name] = new Queue(name, {
      connection,
      prefix: queuePrefix(prefix, name),
      defaultJobOptions: jobOptionsFor(name),
    });
  }
  return queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
