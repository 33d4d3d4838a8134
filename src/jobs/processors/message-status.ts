// Twilio's delivery status callbacks that report a failure (the web process counts the others
// itself). Each (message, status) pair is handled once, however often Twilio or a retry
// delivers it. Two failures change what the service does next (docs/error-codes.md):
// - 63016, a free-form text outside WhatsApp's 24-hour window: a claim update is sent again as
//   the approved template, once, and the window is known to be closed;
// - 63003, 63024, 63032, the number cannot receive our WhatsApp messages: no proactive message
//   until the passenger writes again.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../deps';
import { queueDelivery } from '../../inbound-events/handle-inbound-event';
import { errorCodeLabel } from '../../observability/metrics';
import { maskPhone, phoneFromWhatsAppAddress } from '../../phone';
import { reopenAsTemplate } from '../../repos/claim-notifications';
import { markProactiveUnreachable } from '../../repos/users';
import { z } from 'zod';
import { jobSeal, openSealed } from '../job-seal';
import { messageStatusSchema, QUEUE } from '../queues';

const OUTSIDE_WINDOW = '63016';
const CANNOT_RECEIVE = new Set(['63003', '63024', '63032']);
const FAILED = new Set(['failed', 'undelivered']);

export type MessageStatusResult = { counted: boolean; resentAsTemplate?: boolean; unreachable?: boolean };

export function makeMessageStatusProcessor(deps: Deps) {
  const seal = jobSeal(deps.config.senderKeySecret);
  const recipientOf = (sealedTo: string | undefined): string | undefined => {
    const to = sealedTo === undefined ? undefined : openSealed(seal, sealedTo, z.string());
    return to === undefined ? undefined : phoneFromWhatsAppAddress(to);
  };

  return async function messageStatus(job: Job): Promise<MessageStatusResult> {
    const parsed = messageStatusSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid message-status payload');
    const { messageSid, messageStatus: status, errorCode, sealedTo } = parsed.data;
    const phone = recipientOf(sealedTo);
    const log = deps.logger.child({ queue: QUEUE.messageStatus, jobId: job.id });

    const marker = deps.keys.messageStatusSeen(messageSid, status);
    const seen = (await deps.redis.exists(marker)) === 1;
    if (seen) return { counted: false };

    const result: MessageStatusResult = { counted: true };
    if (errorCode === OUTSIDE_WINDOW) {
      // Once per notification: reopenAsTemplate only takes a text not already resent.
      const reopened = await reopenAsTemplate(deps.db, messageSid);
      if (phone !== undefined) await deps.redis.del(deps.keys.lastInbound(phone));
      if (reopened !== undefined) {
        await queueDelivery(deps, reopened, '-template');
        result.resentAsTemplate = true;
      }
    }
    if (errorCode !== undefined && CANNOT_RECEIVE.has(errorCode) && phone !== undefined) {
      result.unreachable = await markProactiveUnreachable(deps.db, phone);
    }

    // Marked once the effects above are done: a retry after a failure among them does them again.
    await deps.redis.set(marker, '1', 'EX', deps.keys.ttl.messageStatus);
    deps.metrics.deliveryStatus.inc({ status });
    if (FAILED.has(status)) {
      deps.metrics.outboundFailures.inc({ kind: 'undelivered', error_code: errorCodeLabel(errorCode) });
    }
    log.warn(
      { messageSid, status, errorCode, ...(phone !== undefined && { to: maskPhone(phone) }), ...result },
      'outbound message not delivered',
    );
    return result;
  };
}
