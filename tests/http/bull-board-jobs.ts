// Jobs in a known state for Bull Board tests. The web app runs no workers, so a job is taken and
// finished by hand (BullMQ's manual processing: getNextJob, then moveToFailed/moveToCompleted).
import { randomUUID } from 'node:crypto';
import { Worker, type Queue } from 'bullmq';
import type { RedisClient } from '../../src/redis';

/** Adds a job to an otherwise idle queue and finishes it; returns its id. */
export async function finishedJob(queue: Queue, redis: RedisClient, outcome: 'failed' | 'completed'): Promise<string> {
  const added = await queue.add('board-test', { note: 'made by a Bull Board test' }, { attempts: 1 });
  const worker = new Worker(queue.name, null, { connection: redis, prefix: queue.opts.prefix, autorun: false });
  try {
    const token = randomUUID();
    const job = await worker.getNextJob(token, { block: false });
    if (job?.id !== added.id) throw new Error(`expected job ${added.id} next in ${queue.name}, got ${job?.id}`);
    if (outcome === 'failed') await job.moveToFailed(new Error('failed for a Bull Board test'), token);
    else await job.moveToCompleted('done', token);
  } finally {
    await worker.close();
  }
  return added.id!;
}

export async function stateOf(queue: Queue, jobId: string): Promise<string> {
  return (await queue.getJobState(jobId)) as string;
}
