// Twilio's delivery status callbacks that report a failure (the web process counts the others
// itself). Each (message, status) pair is handled once, however often Twilio or a retry
// delivers it.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../deps';
import { messageStatusSchema, QUEUE } from '../queues';

export type MessageStatusResult = { counted: boolean };

export function makeMessageStatusProcessor(deps: Deps) {
  return async function messageStatus(job: Job): Promise<MessageStatusResult> {
    const parsed = messageStatusSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid message-status payload');
    const { messageSid, messageStatus: status, errorCode } = parsed.data;

    const fresh = await deps.redis.set(
      deps.keys.messageStatusSeen(messageSid, status),
      '1',
      'EX',
      deps.keys.ttl.messageStatus,
      'NX',
    );
    if (fresh === null) return { counted: false };

    deps.metrics.deliveryStatus.inc({ status });
    deps.logger
      .child({ queue: QUEUE.messageStatus, jobId: job.id })
      .warn({ messageSid, status, errorCode }, 'outbound message not delivered');
    return { counted: true };
  };
}
