// whatsapp_handler.inbound_events (the claim events handled, by event_id) and
// inbound_events_kept (those that could not be handled, kept for an operator).
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';
import { MAX_EVENT_BYTES } from '../inbound-events/envelope';

export type HandledOutcome = 'applied' | 'stale' | 'unknown-type' | 'user-deleted';

/** Records an event as handled; false when it was handled before (its effect must not repeat). */
export async function recordHandledEvent(
  db: Queryable,
  event: { eventId: string; eventType: string; outcome: HandledOutcome },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into whatsapp_handler.inbound_events (event_id, event_type, outcome)
     values ($1::varchar, $2::varchar, $3::varchar)
     on conflict (event_id) do nothing`,
    [event.eventId, event.eventType, event.outcome],
  );
  return rowCount === 1;
}

export async function setHandledOutcome(db: Queryable, eventId: string, outcome: HandledOutcome): Promise<void> {
  await db.query(`update whatsapp_handler.inbound_events set outcome = $2::varchar where event_id = $1::varchar`, [
    eventId,
    outcome,
  ]);
}

export type KeptEvent = {
  id: string;
  source: 'stream' | 'http' | 'replay';
  streamEntryId: string | null;
  eventId: string | null;
  eventType: string | null;
  reason: string;
  raw: string;
  keptAt: Date;
  replayedAt: Date | null;
};

type KeptRow = {
  id: string;
  source: KeptEvent['source'];
  stream_entry_id: string | null;
  event_id: string | null;
  event_type: string | null;
  reason: string;
  raw: string;
  kept_at: Date;
  replayed_at: Date | null;
};

const KEPT_COLUMNS = 'id, source, stream_entry_id, event_id, event_type, reason, raw, kept_at, replayed_at';

const toKept = (row: KeptRow): KeptEvent => ({
  id: row.id,
  source: row.source,
  streamEntryId: row.stream_entry_id,
  eventId: row.event_id,
  eventType: row.event_type,
  reason: row.reason,
  raw: row.raw,
  keptAt: row.kept_at,
  replayedAt: row.replayed_at,
});

/** Keeps an event that could not be handled; the raw text is cut at 64 KiB. */
export async function keepEvent(
  db: Queryable,
  event: {
    source: KeptEvent['source'];
    streamEntryId?: string;
    eventId?: string;
    eventType?: string;
    reason: string;
    raw: string;
  },
): Promise<KeptEvent> {
  const raw = Buffer.from(event.raw).subarray(0, MAX_EVENT_BYTES).toString('utf8');
  const { rows } = await db.query<KeptRow>(
    `insert into whatsapp_handler.inbound_events_kept (id, source, stream_entry_id, event_id, event_type, reason, raw)
     values ($1::uuid, $2::varchar, $3::varchar, $4::varchar, $5::varchar, $6::varchar, $7::text)
     returning ${KEPT_COLUMNS}`,
    [
      randomUUID(),
      event.source,
      event.streamEntryId ?? null,
      event.eventId?.slice(0, 128) ?? null,
      event.eventType?.slice(0, 100) ?? null,
      event.reason.slice(0, 500),
      raw,
    ],
  );
  return toKept(rows[0]!);
}

/** Kept events not yet replayed, oldest first. */
export async function listKeptEvents(db: Queryable, limit: number): Promise<KeptEvent[]> {
  const { rows } = await db.query<KeptRow>(
    `select ${KEPT_COLUMNS} from whatsapp_handler.inbound_events_kept
      where replayed_at is null order by kept_at, id limit $1::int`,
    [limit],
  );
  return rows.map(toKept);
}

export async function findKeptEvent(db: Queryable, id: string): Promise<KeptEvent | undefined> {
  const { rows } = await db.query<KeptRow>(
    `select ${KEPT_COLUMNS} from whatsapp_handler.inbound_events_kept where id = $1::uuid`,
    [id],
  );
  return rows[0] && toKept(rows[0]);
}

export async function markKeptEventReplayed(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update whatsapp_handler.inbound_events_kept set replayed_at = now() where id = $1::uuid and replayed_at is null`,
    [id],
  );
  return rowCount === 1;
}

/** A replay that could not handle it after all: the kept event is open again. */
export async function reopenKeptEvent(db: Queryable, id: string): Promise<void> {
  await db.query(`update whatsapp_handler.inbound_events_kept set replayed_at = null where id = $1::uuid`, [id]);
}
