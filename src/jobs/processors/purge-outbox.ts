// The retention run started by the outbox-retention Job Scheduler: expired published events and
// stale ticket uploads (src/outbox/retention.ts). When its time budget ran out with rows left, it
// queues one follow-up run rather than waiting for the next schedule.
import type { Job } from 'bullmq';
import type { Queues } from '../make-queues';
import { JOB, QUEUE } from '../queues';
import { runRetention, type RetentionDeps, type RetentionOptions, type RetentionResult } from '../../outbox/retention';

export function makePurgeOutboxProcessor(deps: RetentionDeps & { queues: Queues }, options: RetentionOptions = {}) {
  return async function purgeOutbox(job: Job): Promise<RetentionResult> {
    const logger = deps.logger.child({ queue: job.queueName, jobId: job.id });
    const result = await runRetention({ ...deps, logger }, options);
    if (result.more) {
      await deps.queues[QUEUE.outboxRetention].add(
        JOB.purgeOutbox,
        {},
        // keepLastIfActive: a follow-up that itself runs out of time queues the next one.
        {
          deduplication: { id: 'outbox-retention-follow-up', keepLastIfActive: true },
          attempts: 1,
          removeOnComplete: { count: 100 },
        },
      );
    }
    return result;
  };
}
