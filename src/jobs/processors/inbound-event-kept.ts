// Makes a kept inbound event (one that could not be handled: malformed, an unknown journey)
// visible and retryable in Bull Board. Its first run fails on purpose, so it sits in the failed
// list with the reason; an operator's "retry" there replays the event as stored. A replay that
// still cannot be handled fails again with the reason; one that can is marked replayed. To fix
// an event before replaying it, use POST /api/v1/inbound-events/kept/:id/replay (docs/runbook.md).
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../deps';
import { replayKeptEvent } from '../../inbound-events/replay-kept-event';
import { inboundEventKeptSchema } from '../queues';

export function makeInboundEventKeptProcessor(deps: Deps) {
  return async function inboundEventKept(job: Job): Promise<{ outcome: string }> {
    const parsed = inboundEventKeptSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid inbound-event-kept payload');
    const { keptId, reason, eventId, eventType } = parsed.data;
    if (job.attemptsMade === 0) {
      throw new UnrecoverableError(
        `inbound event ${eventId ?? '(no id)'} (${eventType ?? 'unknown type'}) kept: ${reason}. Retry this job to replay it as stored.`,
      );
    }
    const replayed = await replayKeptEvent(deps, keptId);
    deps.logger.info(
      { queue: job.queueName, jobId: job.id, keptId, outcome: replayed.outcome },
      'operator replayed a kept inbound event',
    );
    if (replayed.outcome === 'kept') throw new UnrecoverableError(`still cannot be handled: ${replayed.reason}`);
    return { outcome: replayed.outcome };
  };
}
