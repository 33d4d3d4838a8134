// Appends a delivery of POST /api/v1/events to the inbound events stream at most once per
// Standard Webhooks webhook-id, so a sender's retry after a lost answer does not queue it twice.
//
// The id is claimed as "pending" before the XADD and marked "queued" after it, rather than marked
// once: a mark written first and left behind by a failed XADD would answer the sender's retry
// "duplicate" and lose the event; a mark written only after would let two concurrent deliveries
// both append.
import type { RedisClient } from '../redis';
import type { RedisKeys } from '../jobs/redis-keys';
import { appendInboundEvent, type StreamEvent } from './event-stream';

const PENDING = 'pending';
const QUEUED = 'queued';
// Only spans one XADD on the web connection, which fails fast; short, so a request that died in
// between holds the sender's retries back for seconds, not minutes.
const PENDING_TTL_SECONDS = 30;

export type QueueOnceResult =
  /** `remembered` is false when the "queued" mark could not be written (the event is queued). */
  | { outcome: 'queued'; entryId: string; remembered: boolean }
  | { outcome: 'duplicate' }
  /** Another request with this id is between its claim and its XADD: the sender should retry. */
  | { outcome: 'in-progress' };

/** Rejects when Redis fails before the event is known to be queued. */
export async function queueEventOnce(
  redis: RedisClient,
  keys: RedisKeys,
  stream: string,
  webhookId: string,
  event: StreamEvent,
): Promise<QueueOnceResult> {
  const key = keys.inboundWebhookSeen(webhookId);
  if ((await redis.set(key, PENDING, 'EX', PENDING_TTL_SECONDS, 'NX')) === null) {
    return (await redis.get(key)) === QUEUED ? { outcome: 'duplicate' } : { outcome: 'in-progress' };
  }
  let entryId: string;
  try {
    entryId = await appendInboundEvent(redis, stream, event);
  } catch (error) {
    // Free the id so the sender's retry is taken; if this fails too, the claim expires soon.
    await redis.del(key).catch(() => undefined);
    throw error;
  }
  const remembered = await redis.set(key, QUEUED, 'EX', keys.ttl.inboundWebhookSeen).then(
    () => true,
    () => false,
  );
  return { outcome: 'queued', entryId, remembered };
}
