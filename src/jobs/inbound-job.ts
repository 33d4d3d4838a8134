// The inbound job's two forms: the message the webhook accepted, and the job stored in Redis that
// carries it sealed (src/jobs/queues.ts inboundMessageJobSchema).
import type { TraceCarrier } from '../observability/tracing';
import { maskPhone, phoneFromWhatsAppAddress } from '../phone';
import { openSealed, type JobSeal } from './job-seal';
import {
  inboundMessageJobSchema,
  inboundMessageSchema,
  traceCarrierSchema,
  type InboundMessage,
  type InboundMessageJob,
} from './queues';
import type { RedisKeys } from './redis-keys';

export function toInboundJob(
  message: InboundMessage,
  seal: JobSeal,
  keys: Pick<RedisKeys, 'senderId'>,
  trace?: TraceCarrier,
): InboundMessageJob {
  const phone = phoneFromWhatsAppAddress(message.from) ?? message.from;
  return {
    messageSid: message.messageSid,
    sender: keys.senderId(phone),
    from: maskPhone(phone),
    receivedAt: message.receivedAt,
    sealed: seal.seal(message),
    ...(trace !== undefined && { trace }),
  };
}

/** The trace context the webhook put in a stored job; undefined when there is none or it is malformed. */
export function traceOfInboundJob(data: unknown): TraceCarrier | undefined {
  const trace = typeof data === 'object' && data !== null ? (data as { trace?: unknown }).trace : undefined;
  const parsed = traceCarrierSchema.safeParse(trace);
  return parsed.success ? parsed.data : undefined;
}

/** The message a stored job carries; undefined when the job is not one (or not sealed with this key). */
export function fromInboundJob(data: unknown, seal: JobSeal): InboundMessage | undefined {
  const job = inboundMessageJobSchema.safeParse(data);
  if (!job.success) return undefined;
  const message = openSealed(seal, job.data.sealed, inboundMessageSchema);
  return message?.messageSid === job.data.messageSid ? message : undefined;
}
