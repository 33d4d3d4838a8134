// The run started by the user-retention Job Scheduler: users who never verified, deleted after
// UNVERIFIED_RETENTION_DAYS with a user.deleted event each (src/users/unverified-retention.ts).
// Running it again finds nothing left to delete. When its time budget ran out with users left, it
// queues one follow-up run rather than waiting for the next schedule.
import type { Job } from 'bullmq';
import { JOB, QUEUE } from '../queues';
import {
  runUnverifiedRetention,
  type UnverifiedRetentionDeps,
  type UnverifiedRetentionResult,
} from '../../users/unverified-retention';

export function makePurgeUnverifiedUsersProcessor(
  deps: UnverifiedRetentionDeps,
  options: { batchSize?: number; timeBudgetMs?: number } = {},
) {
  return async function purgeUnverifiedUsers(job: Job): Promise<UnverifiedRetentionResult> {
    const logger = deps.logger.child({ queue: job.queueName, jobId: job.id });
    const result = await runUnverifiedRetention({ ...deps, logger }, options);
    if (result.more) {
      await deps.queues[QUEUE.userRetention].add(
        JOB.purgeUnverifiedUsers,
        {},
        // keepLastIfActive: a follow-up that itself runs out of time queues the next one.
        {
          deduplication: { id: 'user-retention-follow-up', keepLastIfActive: true },
          attempts: 1,
          removeOnComplete: { count: 100 },
        },
      );
    }
    return result;
  };
}
