// Wraps a queue's processor so an outage of Postgres, Redis or Twilio uses up no attempt: the job
// goes back to the delayed set and tries again, backing off to a cap, until the dependency is
// back. Faults of the job itself still fail it with BullMQ's usual retries.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../deps';
import { isDependencyOutage, outageWaitMs } from './dependency-outage';

export function withOutageWait<T>(
  deps: Pick<Deps, 'logger'>,
  processor: (job: Job, token?: string) => Promise<T>,
): (job: Job, token?: string) => Promise<T> {
  return async (job, token) => {
    try {
      return await processor(job, token);
    } catch (error) {
      if (error instanceof UnrecoverableError || !isDependencyOutage(error)) throw error;
      // Every start after the last counted attempt was an outage wait (a DelayedError counts none).
      const outages = Math.max(1, job.attemptsStarted - job.attemptsMade);
      const waitMs = outageWaitMs(outages);
      deps.logger.warn(
        { queue: job.queueName, jobId: job.id, outages, waitMs, err: (error as Error).message },
        'a dependency is down; the job waits',
      );
      await job.moveToDelayed(Date.now() + waitMs, token).catch(() => {
        throw error;
      });
      throw new DelayedError();
    }
  };
}
