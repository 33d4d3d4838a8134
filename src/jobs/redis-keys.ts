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

/**
 * The keys under `prefix`, with their TTLs (`ttl`); a finished message's keys may be given a shorter life.
 *
 * Every key of one sender carries the sender's id in braces, its Redis Cluster hash tag: a
 * sender's keys, and the keys of that sender's messages, live in one slot, so each script and
 * transaction of a turn touches one slot (docs/scaling.md). Keys of no sender (the send rate,
 * a send's ledger, a webhook-id) stand alone and are only ever used one at a time.
 */
export function redisKeys(
  prefix: string,
  options: { finishedMessageTtlSeconds?: number; senderKeySecret?: string } = {},
) {
  const finished = options.finishedMessageTtlSeconds;
  const senderId = makeSenderId(options.senderKeySecret ?? DEFAULT_SENDER_KEY_SECRET);
  // A WhatsApp address ("whatsapp:+44...") names the same sender as its number.
  const idOf = (phoneOrAddress: string) =>
    senderId(phoneOrAddress.startsWith('whatsapp:') ? phoneOrAddress.slice(9) : phoneOrAddress);
  /** A key of the sender named by `id`: `<prefix>:<kind>:{<id>}`, then any further parts. */
  const ofId = (kind: string, id: string, ...rest: Array<string | number>) =>
    [`${prefix}:${kind}:{${id}}`, ...rest].join(':');
  const of = (kind: string, phone: string, ...rest: Array<string | number>) => ofId(kind, idOf(phone), ...rest);
  const messageSequenceOf = (id: string, messageSid: string) => ofId('message-seq', id, messageSid);
  const inboundDoneOf = (id: string, messageSid: string) => ofId('inbound-done', id, messageSid);
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
    /** The keyed hash naming a sender in keys (never the number itself); a number or an address. */
    senderId: idOf,
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
      ].map((kind) => ofId(kind, id)),
    /** The keys one message of a sender keeps once finished (its number, its outcome), by the sender's id. */
    messageKeysOf: (id: string, messageSid: string): string[] => [
      messageSequenceOf(id, messageSid),
      inboundDoneOf(id, messageSid),
    ],
    /** The arrival number of one message of the sender named by `id`. */
    messageSequenceOf,
    /** A sender's lane keys by the sender's id (for a job that knows only the id). */
    laneOf: (id: string) => ({
      next: ofId('sender-next', id),
      sequence: ofId('sender-seq', id),
      lock: ofId('sender-lock', id),
      arrivals: ofId('sender-arrivals', id),
      gaps: ofId('sender-gaps', id),
    }),
    /** Conversation state of one sender. */
    conversation: (phone: string) => of('conversation', phone),
    /** Arrival order of one sender's messages. */
    senderSequence: (phone: string) => of('sender-seq', phone),
    /** The arrival number given to one MessageSid of the sender. */
    messageSequence: (phone: string, messageSid: string) => messageSequenceOf(idOf(phone), messageSid),
    /** The next arrival number a sender's worker may process. */
    senderNext: (phone: string) => of('sender-next', phone),
    /** Held while one of the sender's messages is being processed (ms TTL, renewed). */
    senderLock: (phone: string) => of('sender-lock', phone),
    /** Arrival number -> MessageSid of a sender's messages not yet processed (hash). */
    senderArrivals: (phone: string) => of('sender-arrivals', phone),
    /** The MessageSids of a sender's messages that took their turn in one minute (flood limit). */
    senderMinute: (phone: string, minute: number) => of('sender-minute', phone, minute),
    /** The ids of a sender's jobs (inbound MessageSids, queued sends), so erasure needs no scan. */
    senderJobs: (phone: string) => of('sender-jobs', phone),
    senderJobsOf: (id: string) => ofId('sender-jobs', id),
    /** The same by the sender's id. */
    senderMinuteOf: (id: string, minute: number) => ofId('sender-minute', id, minute),
    /** Since when a sender's lane has waited for an arrival whose job is missing (hash: n -> ms). */
    senderGaps: (phone: string) => of('sender-gaps', phone),
    /** Outcome of one inbound message once its turn ended: processed, ended, failed:<g> or rerun:<g>. */
    inboundDone: (phone: string, messageSid: string) => inboundDoneOf(idOf(phone), messageSid),
    /** The same by the sender's id. */
    inboundDoneOf,
    /** The state and context one turn was first decided with, so a retry decides alike. */
    inboundSnapshot: (phone: string, turnId: string) => of('inbound-snapshot', phone, turnId),
    /** What one turn's effects did so far (hash: effect index -> outcome), so a retry skips them. */
    inboundEffects: (phone: string, turnId: string) => of('inbound-effects', phone, turnId),
    /** The Twilio Message SID of an outbound (queued) message already sent, by idempotency key. */
    sentMessage: (idempotencyKey: string) => `${prefix}:sent-message:${idempotencyKey}`,
    /** When a queued send with this idempotency key last started talking to Twilio (ms). */
    sendAttempt: (idempotencyKey: string) => `${prefix}:send-attempt:${idempotencyKey}`,
    /** Message SIDs already accounted for per recipient (sorted set by time, bounded). */
    sentTo: (address: string) => of('sent-recent', address),
    /** When the sender last wrote (ms): WhatsApp's 24-hour window for free-form messages. */
    lastInbound: (phone: string) => of('last-inbound', phone),
    /** The global send rate's next free slot (GCRA). */
    sendRate: () => `${prefix}:send-rate`,
    /** Set once a delivery status of one outbound message has been counted. */
    messageStatusSeen: (messageSid: string, status: string) => `${prefix}:message-status:${messageSid}:${status}`,
    /** A Standard Webhooks webhook-id POST /api/v1/events took: "pending", then "queued". */
    inboundWebhookSeen: (webhookId: string) => `${prefix}:inbound-webhook:${webhookId}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
