// Sends one WhatsApp message through Twilio. A retried job never sends twice once Twilio has
// accepted the message: the Message SID is recorded under the idempotency key before the job
// completes (the window between Twilio accepting and that write is documented in
// docs/decisions/0010-sender-lanes.md).
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../main/deps';
import { maskPhone, phoneFromWhatsAppAddress } from '../../phone';
import { findUserByPhone } from '../../repos/users';
import { listPreferences } from '../../repos/preferences';
import { TwilioApiError } from '../../twilio/gateway';
import { QUEUE, sendMessageSchema } from '../queues';

// Long enough to cover every retry of the job and any re-add by a retried inbound message.
const SENT_TTL_SECONDS = 7 * 24 * 3600;

export type SendMessageResult = { sid: string; duplicate?: true } | { dropped: 'opted-out' };

export function makeSendMessageProcessor(deps: Deps) {
  return async function sendMessage(job: Job): Promise<SendMessageResult> {
    const parsed = sendMessageSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid send-message payload');
    const message = parsed.data;
    const log = deps.logger.child({ queue: QUEUE.outbound, jobId: job.id, to: maskPhone(message.to) });

    const sentKey = deps.keys.sentMessage(message.idempotencyKey);
    const alreadySent = await deps.redis.get(sentKey);
    if (alreadySent !== null) return { sid: alreadySent, duplicate: true };

    if (message.proactive && (await optedOut(deps, message.to))) {
      log.info('proactive message dropped: recipient opted out');
      return { dropped: 'opted-out' };
    }

    let sid: string;
    try {
      const sent = await deps.twilio.sendMessage({
        to: message.to,
        body: message.body,
        statusCallback: `${deps.config.publicBaseUrl}/webhooks/twilio/status`,
      });
      sid = sent.sid;
    } catch (error) {
      if (error instanceof TwilioApiError && !error.retryable) {
        log.warn({ status: error.status, twilioCode: error.code }, 'outbound message refused permanently');
        throw new UnrecoverableError(`Twilio refused the message: ${error.status} ${error.code ?? ''}`.trim());
      }
      log.warn({ err: describe(error) }, 'outbound message failed; will retry');
      throw error;
    }
    await deps.redis.set(sentKey, sid, 'EX', SENT_TTL_SECONDS);
    return { sid };
  };
}

async function optedOut(deps: Deps, address: string): Promise<boolean> {
  const phone = phoneFromWhatsAppAddress(address);
  if (phone === undefined) return false;
  const user = await findUserByPhone(deps.db, phone);
  if (user === undefined) return false;
  return (await listPreferences(deps.db, user.id)).opted_out === true;
}

function describe(error: unknown): { name: string; status?: number; code?: number } {
  if (error instanceof TwilioApiError) return { name: error.name, status: error.status, code: error.code };
  return { name: error instanceof Error ? error.name : 'unknown' };
}
