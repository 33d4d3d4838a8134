// whatsapp_handler.outbox_events: domain events written in the same transaction as the change
// they describe, then claimed, published and marked by the relay.
//
// Every timestamp of an event is set by the database (created_at and next_attempt_at default to
// now()) and so is compared with the database's clock, never the process's: a worker whose clock
// runs behind the database would otherwise see nothing due until its clock caught up.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';

export type AggregateType = 'user' | 'journey' | 'claim';

export type NewOutboxEvent = {
  aggregateType: AggregateType;
  aggregateId: string;
  eventType: string;
  payload: Record<string, unknown>;
  /** The inbound MessageSid (or other request id) that caused the change. */
  correlationId?: string | null;
};

export type OutboxEvent = {
  id: string;
  seq: string;
  aggregateType: AggregateType;
  aggregateId: string;
  eventType: string;
  payload: Record<string, unknown>;
  correlationId: string | null;
  attempts: number;
  createdAt: Date;
};

type OutboxRow = {
  id: string;
  seq: string;
  aggregate_type: AggregateType;
  aggregate_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  correlation_id: string | null;
  attempts: number;
  created_at: Date;
};

function toEvent(row: OutboxRow): OutboxEvent {
  return {
    id: row.id,
    seq: row.seq,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    eventType: row.event_type,
    payload: row.payload,
    correlationId: row.correlation_id,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}

/** Appends an event; call it with the transaction client that makes the change. */
export async function appendEvent(db: Queryable, event: NewOutboxEvent): Promise<{ id: string }> {
  const id = randomUUID();
  await db.query(
    `insert into whatsapp_handler.outbox_events
       (id, aggregate_type, aggregate_id, event_type, payload, correlation_id)
     values ($1::uuid, $2::varchar, $3::uuid, $4::varchar, $5::jsonb, $6::varchar)`,
    [
      id,
      event.aggregateType,
      event.aggregateId,
      event.eventType,
      JSON.stringify(event.payload),
      event.correlationId ?? null,
    ],
  );
  return { id };
}

/** Appends several events in one statement (a batch of changes in one transaction). */
export async function appendEvents(db: Queryable, events: readonly NewOutboxEvent[]): Promise<{ ids: string[] }> {
  if (events.length === 0) return { ids: [] };
  const ids = events.map(() => randomUUID());
  await db.query(
    `insert into whatsapp_handler.outbox_events
       (id, aggregate_type, aggregate_id, event_type, payload, correlation_id)
     select * from unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::varchar[], $5::jsonb[], $6::varchar[])`,
    [
      ids,
      events.map((event) => event.aggregateType),
      events.map((event) => event.aggregateId),
      events.map((event) => event.eventType),
      events.map((event) => JSON.stringify(event.payload)),
      events.map((event) => event.correlationId ?? null),
    ],
  );
  return { ids };
}

/**
 * Locks up to `limit` due events, oldest first, for publishing. Must run inside a transaction;
 * the locks last until it ends. Only the oldest unpublished event of each aggregate is eligible,
 * so an aggregate's events go out in order and one that is failing or parked is never overtaken,
 * and two relays never claim the same event (SKIP LOCKED).
 */
export async function claimDueEvents(db: Queryable, options: { limit: number }): Promise<OutboxEvent[]> {
  const { rows } = await db.query<OutboxRow>(
    `select e.id, e.seq::text as seq, e.aggregate_type, e.aggregate_id, e.event_type, e.payload,
            e.correlation_id, e.attempts, e.created_at
       from whatsapp_handler.outbox_events e
      where e.published_at is null
        and e.parked_at is null
        and e.next_attempt_at <= now()
        and not exists (
              select 1
                from whatsapp_handler.outbox_events earlier
               where earlier.aggregate_id = e.aggregate_id
                 and earlier.published_at is null
                 and earlier.seq < e.seq)
      order by e.seq
      limit $1::int
      for update of e skip locked`,
    [options.limit],
  );
  return rows.map(toEvent);
}

export async function markPublished(db: Queryable, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rowCount } = await db.query(
    `update whatsapp_handler.outbox_events
        set published_at = now(), last_error = null
      where id = any($1::uuid[]) and published_at is null`,
    [ids],
  );
  return rowCount ?? 0;
}

/** Records a failed attempt: retried `retryDelayMs` from now, or parked when `park` is set. */
export async function recordPublishFailure(
  db: Queryable,
  failure: { id: string; error: string; retryDelayMs: number; park: boolean },
): Promise<void> {
  await db.query(
    `update whatsapp_handler.outbox_events
        set attempts = attempts + 1,
            last_error = left($2::text, 2000),
            next_attempt_at = now() + $3::double precision * interval '1 millisecond',
            parked_at = case when $4::boolean then now() else null end
      where id = $1::uuid and published_at is null`,
    [failure.id, failure.error, failure.retryDelayMs, failure.park],
  );
}

/** An operator's retry of a parked event: it becomes due now with a fresh attempt count. */
export async function unparkEvent(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update whatsapp_handler.outbox_events
        set parked_at = null, attempts = 0, next_attempt_at = now()
      where id = $1::uuid and parked_at is not null and published_at is null`,
    [id],
  );
  return rowCount === 1;
}

/**
 * Deletes at most `batchSize` events published more than `days` ago, oldest first. Unpublished
 * and parked events are never touched. Returns how many rows went; callers loop while it is full.
 */
export async function purgePublishedOlderThan(db: Queryable, days: number, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from whatsapp_handler.outbox_events
      where id in (
              select id
                from whatsapp_handler.outbox_events
               where published_at < now() - make_interval(days => $1::int)
               order by published_at
               limit $2::int)`,
    [days, batchSize],
  );
  return rowCount ?? 0;
}

export type OutboxStats = {
  /** Events waiting to be published (including ones backing off after a failure), not parked. */
  pending: number;
  parked: number;
  /** Seconds since the oldest event not yet published (parked included) was created; 0 when none. */
  oldestUnpublishedAgeSeconds: number;
};

/** What the metrics show operators: the backlog, the parked events and how old the oldest is. */
export async function outboxStats(db: Queryable): Promise<OutboxStats> {
  const { rows } = await db.query<{ pending: string; parked: string; oldest_age: number }>(
    `select count(*) filter (where parked_at is null)::text as pending,
            count(*) filter (where parked_at is not null)::text as parked,
            coalesce(greatest(extract(epoch from now() - min(created_at)), 0), 0)::float8 as oldest_age
       from whatsapp_handler.outbox_events
      where published_at is null`,
  );
  const row = rows[0]!;
  return { pending: Number(row.pending), parked: Number(row.parked), oldestUnpublishedAgeSeconds: row.oldest_age };
}

export type ParkedEvent = OutboxEvent & { lastError: string | null; parkedAt: Date };

/** Parked events, oldest first, for operators deciding what to retry. */
export async function listParkedEvents(db: Queryable, limit: number): Promise<ParkedEvent[]> {
  const { rows } = await db.query<OutboxRow & { last_error: string | null; parked_at: Date }>(
    `select id, seq::text as seq, aggregate_type, aggregate_id, event_type, payload, correlation_id,
            attempts, created_at, last_error, parked_at
       from whatsapp_handler.outbox_events
      where parked_at is not null and published_at is null
      order by seq
      limit $1::int`,
    [limit],
  );
  return rows.map((row) => ({ ...toEvent(row), lastError: row.last_error, parkedAt: row.parked_at }));
}
