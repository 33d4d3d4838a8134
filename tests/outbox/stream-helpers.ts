// Reads back what the relay put on the event stream, as a consumer would.
import type { RedisClient } from '../../src/redis';
import type { EventEnvelope } from '../../src/outbox/envelope';

export async function readStream(redis: RedisClient, stream: string): Promise<EventEnvelope[]> {
  const entries = await redis.xrange(stream, '-', '+');
  return entries.map(([, fields]) => {
    const index = fields.indexOf('envelope');
    return JSON.parse(fields[index + 1]!) as EventEnvelope;
  });
}

/** Event ids per aggregate in stream order, first sighting only (duplicates are allowed). */
export function orderPerAggregate(envelopes: readonly EventEnvelope[]): Map<string, string[]> {
  const seen = new Set<string>();
  const order = new Map<string, string[]>();
  for (const envelope of envelopes) {
    if (seen.has(envelope.event_id)) continue;
    seen.add(envelope.event_id);
    const list = order.get(envelope.aggregate_id) ?? [];
    list.push(envelope.event_id);
    order.set(envelope.aggregate_id, list);
  }
  return order;
}
