// Makes a parked outbox event visible and retryable in Bull Board. The relay adds this job when it
// parks an event; its first run fails on purpose (UnrecoverableError), so it sits in the failed
// list with the event id and last error. An operator's "retry" there runs it again
// (attemptsMade > 0): it un-parks the event and wakes the relay. Running it again is harmless:
// an event that is no longer parked is left alone.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../../logger';
import type { Pool } from 'pg';
import type { Queues } from '../make-queues';
import { outboxEventParkedSchema } from '../queues';
import { wakeOutboxRelay } from '../../events';
import { unparkEvent } from '../../repos/outbox';

export function makeOutboxEventParkedProcessor(deps: { db: Pool; logger: Logger; queues: Queues }) {
  return async function outboxEventParked(job: Job): Promise<{ unparked: boolean }> {
    const parsed = outboxEventParkedSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid outbox-event-parked payload');
    const { eventId, eventType, attempts, lastError } = parsed.data;
    if (job.attemptsMade === 0) {
      throw new UnrecoverableError(
        `outbox event ${eventId} (${eventType}) parked after ${attempts} attempts: ${lastError}. Retry this job to publish it again.`,
      );
    }
    const unparked = await unparkEvent(deps.db, eventId);
    deps.logger.info(
      { queue: job.queueName, jobId: job.id, eventId, unparked },
      'operator retried a parked outbox event',
    );
    if (unparked) await wakeOutboxRelay(deps.queues);
    return { unparked };
  };
}
