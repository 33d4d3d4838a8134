// The service's own Redis keys (BullMQ keeps its own under the same prefix), each with how long
// it lives. Per-message keys last only as long as a redelivery or a crash recovery can need them.
// No key name holds a phone number: a sender is named by a keyed hash of their number
// (senderId), so a listing of Redis keys, or Bull Board, shows nobody's number.
import { createHmac } from 'node:crypto';
export const DEFAULT_KEY_TTL_SECONDS = {
  /** Conversation state: 24 h after the sender's last message (the product's rule). */
  conversation: 24 * 3600,
  /** A sender's lane (sequence, next due, arrivals, gaps): a quiet day restarts it at 1. */
  sender: 24 * 3600,
  /**
   * Work of a message not yet finished (its number, snapshot, applied effects): as long as an
   * outage of Postgres, Redis or Twilio may hold its turn back.
   */
  unfinishedMessage: 24 * 3600,
  /**
   * A finished message's outcome and number: long enough to answer Twilio's redelivery of its
   * webhook (seconds to minutes) and a stalled job's second run.
   */
  finishedMessage: 3600,
  /** An outbound message's SID and send-attempt stamp: the retries of its job take minutes. */
  outboundSend: 3600,
  /** The SIDs recently sent to one recipient (at most SENT_TO_LIMIT), renewed by each send. */
  sentTo: 3600,
  /** The ids of a sender's jobs: as long as BullMQ keeps a failed job (7 days), and a day more. */
  senderJobs: 8 * 24 * 3600,
  /** WhatsApp's customer-service window: free-form messages only this long after the passenger's. */
  whatsappWindow: 24 * 3600,
  /** One delivery status seen: Twilio repeats a status callback within minutes. */
  messageStatus: 3600,
  /**
   * A webhook-id accepted by POST /api/v1/events: a signed request verifies while its timestamp is
   * within 5 minutes either side of now, so for up to 10 minutes after it was first accepted.
   */
  inboundWebhookSeen: 11 * 60,
};
export type KeyTtlSeconds = typeof DEFAULT_KEY_TTL_SECONDS;

/** How many recent SIDs per recipient are remembered: a recovering send looks at the last 20. */
export const SENT_TO_LIMIT = 50;

/** Used when no secret is configured (tests); deployments derive theirs (src/config.ts). */
export const DEFAULT_SENDER_KEY_SECRET = 'whatsapp-handler-sender-key';

// Hashing is cheap, but a turn names a sender's keys several times: remember recent senders.
const SENDER_ID_CACHE_LIMIT = 10_000;

/** A sender's identity in key names: HMAC-SHA256 of the number, 20 bytes in base64url. */
export function makeSenderId(secret: string): (phone: string) => string {
  const cache = new Map<string, string>();
  return (phone) => {
    let id = cache.get(phone);
    if (id === undefined) {
      id = createHmac('sha256', secret).update(phone).digest().subarray(0, 20).toString('base64url');
      if (cache.size >= SENDER_ID_CACHE_LIMIT) cache.clear();
      cache.set(phone, id);
    }
    return id;
  };
}

/** The keys under `prefix`, with their TTLs (`ttl`); a finished message's keys may be given a shorter life. */
export function redisKeys(
  prefix: string,
  options: { finishedMessageTtlSeconds?: number; senderKeySecret?: string } = {},
) {
  const finished = options.finishedMessageTtlSeconds;
  const sender = makeSenderId(options.senderKeySecret ?? DEFAULT_SENDER_KEY_SECRET);
  // A WhatsApp address ("whatsapp:+44...") names the same sender as its number.
  const senderOfAddress = (address: string) => sender(address.replace(/^whatsapp:/, ''));
  const ttl: KeyTtlSeconds =
    finished === undefined
      ? DEFAULT_KEY_TTL_SECONDS
      : {
          ...DEFAULT_KEY_TTL_SECONDS,
          finishedMessage: finished,
          outboundSend: finished,
          sentTo: finished,
          messageStatus: finished,
        };
  return {
    ttl,
    /** The keyed hash naming a sender in keys (never the number itself). */
    senderId: sender,
    /**
     * Every key kept per sender, by the sender's id: what forgetting a sender deletes (with the
     * minute counters, senderMinuteOf, which live two minutes).
     */
    ofSender: (id: string): string[] =>
      [
        'conversation',
        'sender-seq',
        'sender-next',
        'sender-arrivals',
        'sender-gaps',
        'last-inbound',
        'sent-recent',
        'sender-jobs',
      ].map((kind) => `${prefix}:${kind}:${id}`),
    /** A sender's lane keys by the sender's id (for a job that knows only the id). */
    laneOf: (id: string) => ({
      next: `${prefix}:sender-next:${id}`,
      sequence: `${prefix}:sender-seq:${id}`,
      lock: `${prefix}:sender-lock:${id}`,
      arrivals: `${prefix}:sender-arrivals:${id}`,
      gaps: `${prefix}:sender-gaps:${id}`,
    }),
    /** Conversation state of one sender. */
    conversation: (phone: string) => `${prefix}:conversation:${sender(phone)}`,
    /** Arrival order of one sender's messages. */
    senderSequence: (phone: string) => `${prefix}:sender-seq:${sender(phone)}`,
    /** The arrival number given to one MessageSid. */
    messageSequence: (messageSid: string) => `${prefix}:message-seq:${messageSid}`,
    /** The next arrival number a sender's worker may process. */
    senderNext: (phone: string) => `${prefix}:sender-next:${sender(phone)}`,
    /** Held while one of the sender's messages is being processed (ms TTL, renewed). */
    senderLock: (phone: string) => `${prefix}:sender-lock:${sender(phone)}`,
    /** Arrival number -> MessageSid of a sender's messages not yet processed (hash). */
    senderArrivals: (phone: string) => `${prefix}:sender-arrivals:${sender(phone)}`,
    /** The MessageSids of a sender's messages that took their turn in one minute (flood limit). */
    senderMinute: (phone: string, minute: number) => `${prefix}:sender-minute:${sender(phone)}:${minute}`,
    /** The ids of a sender's jobs (inbound MessageSids, queued sends), so erasure needs no scan. */
    senderJobs: (phone: string) => `${prefix}:sender-jobs:${sender(phone)}`,
    senderJobsOf: (id: string) => `${prefix}:sender-jobs:${id}`,
    /** The same by the sender's id. */
    senderMinuteOf: (id: string, minute: number) => `${prefix}:sender-minute:${id}:${minute}`,
    /** Since when a sender's lane has waited for an arrival whose job is missing (hash: n -> ms). */
    senderGaps: (phone: string) => `${prefix}:sender-gaps:${sender(phone)}`,
    /** Outcome of one inbound message once its turn ended: processed, failed:<g> or rerun:<g>. */
    inboundDone: (messageSid: string) => `${prefix}:inbound-done:${messageSid}`,
    /** The state and context one turn was first decided with, so a retry decides alike. */
    inboundSnapshot: (turnId: string) => `${prefix}:inbound-snapshot:${turnId}`,
    /** What one turn's effects did so far (hash: effect index -> outcome), so a retry skips them. */
    inboundEffects: (turnId: string) => `${prefix}:inbound-effects:${turnId}`,
    /** The Twilio Message SID of an outbound (queued) message already sent, by idempotency key. */
    sentMessage: (idempotencyKey: string) => `${prefix}:sent-message:${idempotencyKey}`,
    /** When a queued send with this idempotency key last started talking to Twilio (ms). */
    sendAttempt: (idempotencyKey: string) => `${prefix}:send-attempt:${idempotencyKey}`,
    /** Message SIDs already accounted for per recipient (sorted set by time, bounded). */
    sentTo: (address: string) => `${prefix}:sent-recent:${senderOfAddress(address)}`,
    /** When the sender last wrote (ms): WhatsApp's 24-hour window for free-form messages. */
    lastInbound: (phone: string) => `${prefix}:last-inbound:${sender(phone)}`,
    /** The global send rate's next free slot (GCRA). */
    sendRate: () => `${prefix}:send-rate`,
    /** Set once a delivery status of one outbound message has been counted. */
    messageStatusSeen: (messageSid: string, status: string) => `${prefix}:message-status:${messageSid}:${status}`,
    /** A Standard Webhooks webhook-id POST /api/v1/events took: "pending", then "queued". */
    inboundWebhookSeen: (webhookId: string) => `${prefix}:inbound-webhook:${webhookId}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
