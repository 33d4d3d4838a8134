// The inbound events stream (INBOUND_EVENTS_STREAM): entries with the fields event_id, event_type
// and envelope (the JSON envelope), as other RailRepay services write them. POST /api/v1/events
// appends what it accepts here too, so both routes share one consumer.
import type { RedisClient } from '../redis';

export const CONSUMER_GROUP = 'whatsapp-handler';

export type StreamEvent = { eventId: string; eventType: string; envelopeJson: string };

/** Appends one event; resolves to the entry id once Redis has it. */
export async function appendInboundEvent(redis: RedisClient, stream: string, event: StreamEvent): Promise<string> {
  const id = await redis.xadd(
    stream,
    '*',
    'event_id',
    event.eventId,
    'event_type',
    event.eventType,
    'envelope',
    event.envelopeJson,
  );
  return id!;
}
