// The envelope every transport carries (PRODUCT.md, Events). event_id is the outbox row id, so a
// consumer that sees the same event twice (delivery is at least once) can drop the duplicate.
import type { OutboxEvent } from '../repos/outbox';

export type EventEnvelope = {
  event_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  /** When the change committed (the outbox row's created_at), ISO 8601 UTC. */
  occurred_at: string;
  correlation_id: string | null;
  payload: Record<string, unknown>;
};

export function toEnvelope(event: OutboxEvent): EventEnvelope {
  return {
    event_id: event.id,
    event_type: event.eventType,
    aggregate_type: event.aggregateType,
    aggregate_id: event.aggregateId,
    occurred_at: event.createdAt.toISOString(),
    correlation_id: event.correlationId,
    payload: event.payload,
  };
}
