// Every queue and job name, its payload schema and its default options: the only place they are
// defined. Job data carries only what its worker needs, never an OTP code.
import { z } from 'zod';
import type { DefaultJobOptions } from 'bullmq';

export const QUEUE = {
  inbound: 'inbound-messages',
  messageStatus: 'message-status',
  outbound: 'outbound-messages',
  preferenceUpdate: 'preference-updates',
  outboxRelay: 'outbox-relay',
  outboxRetention: 'outbox-retention',
  proactive: 'proactive-messages',
  inboundEventsKept: 'inbound-events-kept',
  userRetention: 'user-retention',
  senderErasure: 'sender-erasure',
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/**
 * BullMQ's prefix for one queue: the service's prefix, then the queue's name in braces. The braces
 * make the name the Redis Cluster hash tag of every key BullMQ keeps for the queue (its lists,
 * sets, jobs, scripts' keys), so each queue lives in one slot and different queues spread over
 * the cluster's shards (BullMQ's documented way). On one Redis they change nothing but the name.
 */
export function queuePrefix(prefix: string, queue: string): string {
  return `${prefix}:{${queue}}`;
}
export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUE);

export const JOB = {
  inboundMessage: 'inbound-message',
  messageStatus: 'message-status',
  sendMessage: 'send-message',
  updatePreference: 'update-preference',
  relayOutbox: 'relay-outbox',
  purgeOutbox: 'purge-outbox',
  outboxEventParked: 'outbox-event-parked',
  deliverClaimUpdates: 'deliver-claim-updates',
  inboundEventKept: 'inbound-event-kept',
  purgeUnverifiedUsers: 'purge-unverified-users',
  forgetSender: 'forget-sender',
} as const;

const whatsAppAddress = z.string().regex(/^whatsapp:\+[1-9][0-9]{1,14}$/);
const messageSid = z.string().regex(/^(SM|MM|IM)[0-9a-fA-F]{32}$/);

// W3C Trace Context: traceparent is version-traceid-spanid-flags; tracestate is at most 512 chars.
export const traceCarrierSchema = z.object({
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/),
  tracestate: z.string().max(512).optional(),
});

/** One inbound WhatsApp message, as the webhook accepted it (held sealed in the job). */
export const inboundMessageSchema = z.object({
  messageSid,
  from: whatsAppAddress,
  to: whatsAppAddress,
  body: z.string().max(4096),
  profileName: z.string().max(256).optional(),
  media: z.array(z.object({ url: z.url(), contentType: z.string().max(255) })).max(10),
  receivedAt: z.iso.datetime(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/**
 * The inbound job as stored in Redis and shown in Bull Board: the message itself is sealed
 * (src/jobs/job-seal.ts), so no number, text or code is readable there at any moment. `sender` is
 * the keyed hash that names the sender in keys; `from` is the number masked, for operators.
 */
export const inboundMessageJobSchema = z.object({
  messageSid,
  sender: z.string().max(64),
  from: z.string().max(32),
  receivedAt: z.iso.datetime(),
  sealed: z.string().max(64 * 1024),
  /**
   * The webhook's W3C trace context, so the job's span continues its trace (absent with tracing
   * off). A malformed one is dropped, never the message with it.
   */
  trace: traceCarrierSchema.optional().catch(undefined),
});
export type InboundMessageJob = z.infer<typeof inboundMessageJobSchema>;

/** Twilio's delivery status callback for a message we sent. */
export const messageStatusSchema = z.object({
  messageSid,
  messageStatus: z.string().max(32),
  errorCode: z.string().max(16).optional(),
  /** The recipient, sealed (src/jobs/job-seal.ts): a failure may mark the number unreachable. */
  sealedTo: z.string().max(512).optional(),
  receivedAt: z.iso.datetime(),
});
export type MessageStatusJob = z.infer<typeof messageStatusSchema>;

/**
 * One queued outbound WhatsApp message (not a reply: replies are sent in the sender's turn). The
 * idempotency key stops a retried job sending twice.
 */
export const sendMessageSchema = z.object({
  to: whatsAppAddress,
  body: z.string().min(1).max(1600),
  idempotencyKey: z.string().max(128),
  /** Proactive messages are dropped for users who sent STOP; replies are not proactive. */
  proactive: z.boolean().default(false),
  correlationId: z.string().max(64).optional(),
});
export type SendMessage = z.infer<typeof sendMessageSchema>;

/** The outbound job as stored: the message sealed like an inbound one, the recipient masked. */
export const sendMessageJobSchema = z.object({
  recipient: z.string().max(32),
  sender: z.string().max(64),
  idempotencyKey: z.string().max(128),
  sealed: z.string().max(16 * 1024),
});
export type SendMessageJob = z.infer<typeof sendMessageJobSchema>;

/** Write one preference and its user.preferences_updated event in one transaction. */
export const updatePreferenceSchema = z.object({
  userId: z.uuid(),
  key: z.string().max(100),
  value: z.unknown(),
  correlationId: z.string().max(64).optional(),
  /** Taken when the API accepted the write: the last accepted value wins (migration 005). */
  acceptedSeq: z
    .string()
    .regex(/^[0-9]{1,19}$/)
    .optional(),
});
export type UpdatePreferenceJob = z.infer<typeof updatePreferenceSchema>;

export const relayOutboxSchema = z.object({}).passthrough();
export const purgeOutboxSchema = z.object({}).passthrough();
/** A run of unverified-user retention (src/users/unverified-retention.ts): no data, ids stay in Postgres. */
export const purgeUnverifiedUsersSchema = z.object({}).passthrough();

/**
 * Shows a parked outbox event in Bull Board as a failed job; retrying that job there un-parks the
 * event. Ids only: the event's payload stays in Postgres.
 */
export const outboxEventParkedSchema = z.object({
  eventId: z.uuid(),
  eventType: z.string().max(100),
  aggregateId: z.uuid(),
  attempts: z.number().int(),
  lastError: z.string().max(2000),
});
export type OutboxEventParkedJob = z.infer<typeof outboxEventParkedSchema>;

/** Forgets a sender in Redis once their conversation ended for good: by their keyed hash only. */
export const forgetSenderSchema = z.object({
  sender: z.string().min(1).max(64),
  /** The arrival number of the message that ended the conversation: a later one starts a new one. */
  arrival: z.number().int().min(1),
  /** That message's MessageSid: its own job record and every one listed before it are removed. */
  messageSid,
});
export type ForgetSenderJob = z.infer<typeof forgetSenderSchema>;

/**
 * Sends a user's due claim updates in their turn (src/jobs/processors/deliver-claim-updates.ts).
 * One job per notification (its id in the job id), each delivering all that are due: a job that
 * finds nothing left to send is done.
 */
export const deliverClaimUpdatesSchema = z.object({ userId: z.uuid(), notificationId: z.uuid() });
export type DeliverClaimUpdatesJob = z.infer<typeof deliverClaimUpdatesSchema>;

/**
 * Shows a kept (unhandled) inbound event in Bull Board as a failed job; retrying it there replays
 * the event as stored. Ids and the reason only: the event itself stays in Postgres.
 */
export const inboundEventKeptSchema = z.object({
  keptId: z.uuid(),
  reason: z.string().max(500),
  eventId: z.string().max(128).optional(),
  eventType: z.string().max(100).optional(),
});
export type InboundEventKeptJob = z.infer<typeof inboundEventKeptSchema>;

/**
 * Defaults for every queue: retries with exponential backoff (BullMQ adds jitter through the
 * backoff option), and completed/failed jobs kept long enough for operators to inspect them
 * in Bull Board without letting Redis grow without bound.
 */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/**
 * A queue's defaults. An inbound message's job is removed once it completes: its record would
 * hold nothing an operator can read (the message is sealed) but "processed", the message's own
 * outcome key answers a redelivery of its webhook, and erasing a sender then has no finished
 * message to remove (decision 0029). A failed one is kept, to be seen and retried in Bull Board.
 */
export function jobOptionsFor(queue: QueueName): DefaultJobOptions {
  return queue === QUEUE.inbound ? { ...defaultJobOptions, removeOnComplete: true } : defaultJobOptions;
}
