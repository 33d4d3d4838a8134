// Which of Twilio's delivery status callbacks the workers must act on. The others ("queued",
// "sent", "delivered", "read" with no error) only feed a counter.
import type { MessageStatusJob } from '../jobs/queues';

const FAILED_STATUSES = new Set(['failed', 'undelivered']);

export function needsDeliveryAction(status: Pick<MessageStatusJob, 'messageStatus' | 'errorCode'>): boolean {
  return FAILED_STATUSES.has(status.messageStatus) || status.errorCode !== undefined;
}
