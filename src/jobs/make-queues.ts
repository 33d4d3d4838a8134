import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ALL_QUEUES, defaultJobOptions, type QueueName } from './queues';

export type Queues = Record<QueueName, Queue>;

/** One Queue per name, sharing a connection; the prefix namespaces every key. */
export function makeQueues(connection: Redis, prefix: string): Queues {
  const queues = {} as Queues;
  for (const name of ALL_QUEUES) {
    queues[name] = new Queue(name, { connection, prefix, defaultJobOptions });
  }
  return queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
