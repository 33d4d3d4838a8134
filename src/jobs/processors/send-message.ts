// Sends one queued WhatsApp message (an apology for a failed message now; proactive claim updates
// later) once per idempotency key, within the global send rate. Replies to a sender's message are
// not queued: they are sent in the sender's turn (src/conversation-runtime/converse.ts).
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../deps';
import { keyedLedger, sendOnce } from '../../outbound/send-once';
import type { SendRate } from '../../outbound/send-rate';
import { maskPhone, phoneFromWhatsAppAddress } from '../../phone';
import { findUserByPhone } from '../../repos/users';
import { listPreferences } from '../../repos/preferences';
import { jobSeal } from '../job-seal';
import { fromOutboundJob } from '../outbound-job';
import { QUEUE } from '../queues';

export type SendMessageResult = { sid: string; duplicate?: true; recovered?: true } | { dropped: 'opted-out' };

export function makeSendMessageProcessor(deps: Deps & { sendRate: SendRate }) {
  const seal = jobSeal(deps.config.senderKeySecret);

  return async function sendMessage(job: Job): Promise<SendMessageResult> {
    const message = fromOutboundJob(job.data, seal);
    if (message === undefined) throw new UnrecoverableError('invalid send-message payload');
    const log = deps.logger.child({ queue: QUEUE.outbound, jobId: job.id, to: maskPhone(message.to) });

    const ledger = keyedLedger(deps, message.idempotencyKey);
    const alreadySent = await ledger.sentSid();
    if (alreadySent !== undefined) return { sid: alreadySent, duplicate: true };
    if (message.proactive && (await optedOut(deps, message.to))) {
      log.info('proactive message dropped: recipient opted out');
      return { dropped: 'opted-out' };
    }

    const sent = await sendOnce(deps, ledger, { to: message.to, body: message.body });
    if ('refused' in sent) {
      // Counted by the worker's failure metric (final="true"); the code says why.
      const { status, code } = sent.refused;
      log.warn({ status, twilioCode: code }, 'outbound message refused permanently');
      throw new UnrecoverableError(`Twilio refused the message: ${status} ${code ?? ''}`.trim());
    }
    if (sent.recovered)
      log.warn({ messageSid: sent.sid }, 'an earlier attempt had sent this message; not sending again');
    return sent;
  };
}

async function optedOut(deps: Deps, address: string): Promise<boolean> {
  const phone = phoneFromWhatsAppAddress(address);
  if (phone === undefined) return false;
  const user = await findUserByPhone(deps.db, phone);
  if (user === undefined) return false;
  return (await listPreferences(deps.db, user.id)).opted_out === true;
}
