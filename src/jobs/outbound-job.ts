// The outbound job's two forms, like the inbound one's (src/jobs/inbound-job.ts): the message to
import type { z } from 'zod';
// send, and the job stored in Redis that carries it sealed, with the recipient masked.
import { maskPhone, phoneFromWhatsAppAddress } from '../phone';
import { openSealed, type JobSeal } from './job-seal';
import { sendMessageJobSchema, sendMessageSchema, type SendMessage, type SendMessageJob } from './queues';
import type { RedisKeys } from './redis-keys';

export function toOutboundJob(
  message: z.input<typeof sendMessageSchema>,
  seal: JobSeal,
  keys: Pick<RedisKeys, 'senderId'>,
): SendMessageJob {
  const phone = phoneFromWhatsAppAddress(message.to) ?? message.to;
  return {
    recipient: maskPhone(phone),
    sender: keys.senderId(phone),
    idempotencyKey: message.idempotencyKey,
    sealed: seal.seal(message),
  };
}

/** The message a stored job carries; undefined when the job is not one. */
export function fromOutboundJob(data: unknown, seal: JobSeal): SendMessage | undefined {
  const job = sendMessageJobSchema.safeParse(data);
  return job.success ? openSealed(seal, job.data.sealed, sendMessageSchema) : undefined;
}
