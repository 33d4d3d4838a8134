// Sends one WhatsApp message through Twilio, once per idempotency key: the Message SID is recorded
// under the key before the job completes, and a rerun whose earlier attempt may have reached Twilio
// (the worker died between Twilio accepting and that record) first looks for the message among
// the recipient's latest ones instead of sending again. docs/decisions/0010-sender-lanes.md.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../main/deps';
import { maskPhone, phoneFromWhatsAppAddress } from '../../phone';
import { findUserByPhone } from '../../repos/users';
import { listPreferences } from '../../repos/preferences';
import { TwilioApiError } from '../../twilio/gateway';
import { QUEUE, sendMessageSchema, type SendMessageJob } from '../queues';

// Long enough to cover every retry of the job and any re-add by a retried inbound message.
const SENT_TTL_SECONDS = 7 * 24 * 3600;
// How many of the recipient's latest messages a recovering send looks through: a sender's replies
// go out one at a time, so its own message is among the newest.
const RECENT_LIMIT = 20;
// Twilio dates have whole seconds; allow for that and for clock skew between us and Twilio.
const CREATED_SLACK_MS = 2_000;

export type SendMessageResult = { sid: string; duplicate?: true; recovered?: true } | { dropped: 'opted-out' };

export function makeSendMessageProcessor(deps: Deps) {
  async function record(message: SendMessageJob, sid: string): Promise<void> {
    const claimed = deps.keys.sentTo(message.to);
    await deps.redis
      .multi()
      .set(deps.keys.sentMessage(message.idempotencyKey), sid, 'EX', SENT_TTL_SECONDS)
      .sadd(claimed, sid)
      .expire(claimed, SENT_TTL_SECONDS)
      .exec();
  }

  /** The SID of this message if an earlier attempt got it to Twilio after all. */
  async function sentBefore(message: SendMessageJob, attemptStartedAt: number): Promise<string | undefined> {
    if (deps.twilio.recentMessages === undefined) return undefined;
    const [recent, claimed] = await Promise.all([
      deps.twilio.recentMessages({ to: message.to, limit: RECENT_LIMIT }),
      deps.redis.smembers(deps.keys.sentTo(message.to)),
    ]);
    const taken = new Set(claimed);
    const match = recent
      .filter((m) => m.body === message.body && !taken.has(m.sid))
      .filter((m) => m.dateCreated.getTime() >= attemptStartedAt - CREATED_SLACK_MS)
      .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())[0];
    return match?.sid;
  }

  return async function sendMessage(job: Job): Promise<SendMessageResult> {
    const parsed = sendMessageSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid send-message payload');
    const message = parsed.data;
    const log = deps.logger.child({ queue: QUEUE.outbound, jobId: job.id, to: maskPhone(message.to) });

    const alreadySent = await deps.redis.get(deps.keys.sentMessage(message.idempotencyKey));
    if (alreadySent !== null) return { sid: alreadySent, duplicate: true };

    if (message.proactive && (await optedOut(deps, message.to))) {
      log.info('proactive message dropped: recipient opted out');
      return { dropped: 'opted-out' };
    }

    const attemptKey = deps.keys.sendAttempt(message.idempotencyKey);
    const earlierAttempt = await deps.redis.get(attemptKey);
    if (earlierAttempt !== null) {
      const sid = await sentBefore(message, Number(earlierAttempt));
      if (sid !== undefined) {
        await record(message, sid);
        log.warn({ messageSid: sid }, 'an earlier attempt had sent this message; not sending again');
        return { sid, recovered: true };
      }
    }
    await deps.redis.set(attemptKey, String(Date.now()), 'EX', SENT_TTL_SECONDS);

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
        // Counted by the worker's failure metric (final="true"); the code says why.
        log.warn({ status: error.status, twilioCode: error.code }, 'outbound message refused permanently');
        throw new UnrecoverableError(`Twilio refused the message: ${error.status} ${error.code ?? ''}`.trim());
      }
      log.warn({ err: describe(error) }, 'outbound message failed; will retry');
      throw error;
    }
    await record(message, sid);
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
