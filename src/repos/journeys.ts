// whatsapp_handler.journeys: the delayed journeys passengers report (flow 6), one per confirmed
// summary. A journey is found again by the correlation id of the YES that submitted it, so a
// redelivered or retried YES never makes a second one.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';

/** Where a claim stands (PRODUCT.md, "Claim updates"); a journey starts as received. */
export const JOURNEY_STATUSES = ['received', 'eligible', 'not_eligible', 'submitted', 'paid', 'rejected'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];
export type JourneyType = 'single' | 'return';

export type Journey = {
  id: string;
  /** What the passenger is told and quotes: RR- and six characters, such as RR-7K3F9Q. */
  reference: string;
  userId: string;
  correlationId: string;
  originCrs: string;
  destinationCrs: string;
  /** The travel date in Europe/London, YYYY-MM-DD. */
  travelDate: string;
  departureDatetime: Date;
  arrivalDatetime: Date;
  journeyType: JourneyType;
  status: JourneyStatus;
  /** The latest amount: the compensation offered when eligible, then the amount paid. */
  amountPence: number | null;
  /** The train operator's reference once the claim is submitted. */
  claimReference: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** A journey with the number of ticket files attached to it. */
export type JourneyWithTickets = Journey & { mediaCount: number };

export type NewJourney = {
  userId: string;
  /** The MessageSid of the YES that submitted it (or another id of the request). */
  correlationId: string;
  travelDate: string;
  originCrs: string;
  destinationCrs: string;
  /** ISO 8601 with an offset, or an instant. */
  departureDatetime: string | Date;
  arrivalDatetime: string | Date;
  journeyType: JourneyType;
};

type JourneyRow = {
  id: string;
  reference: string;
  user_id: string;
  correlation_id: string;
  origin_crs: string;
  destination_crs: string;
  travel_date: string;
  departure_datetime: Date;
  arrival_datetime: Date;
  journey_type: JourneyType;
  status: JourneyStatus;
  amount_pence: number | null;
  claim_reference: string | null;
  created_at: Date;
  updated_at: Date;
};

// travel_date as text: pg would turn a date into a Date at the process's local midnight.
const COLUMNS = `id, reference, user_id, correlation_id, origin_crs, destination_crs,
  to_char(travel_date, 'YYYY-MM-DD') as travel_date, departure_datetime, arrival_datetime, journey_type,
  status, amount_pence, claim_reference, created_at, updated_at`;

function toJourney(row: JourneyRow): Journey {
  return {
    id: row.id,
    reference: row.reference,
    userId: row.user_id,
    correlationId: row.correlation_id,
    originCrs: row.origin_crs,
    destinationCrs: row.destination_crs,
    travelDate: row.travel_date,
    departureDatetime: row.departure_datetime,
    arrivalDatetime: row.arrival_datetime,
    journeyType: row.journey_type,
    status: row.status,
    amountPence: row.amount_pence,
    claimReference: row.claim_reference,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// Crockford's base32 without I, L, O and U, which read as 1, 1, 0 and V (or worse).
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// 32^6 is about a billion references; a collision is rare and a second one in a row rarer still,
// so this many tries only fail when something other than chance is wrong.
const MAX_REFERENCE_ATTEMPTS = 5;

/** A new random reference such as RR-7K3F9Q (crypto randomness; 32 divides 256, so unbiased). */
export function newJourneyReference(): string {
  const bytes = randomBytes(6);
  let reference = 'RR-';
  for (const byte of bytes) reference += REFERENCE_ALPHABET[byte & 31];
  return reference;
}

/**
 * Inserts a journey with a fresh reference, or returns the one this user already has under the
 * same correlation id (created false). A reference that is taken is drawn again. No statement
 * fails on a conflict (on conflict do nothing), so this is safe inside a caller's transaction.
 */
export async function insertJourney(
  db: Queryable,
  journey: NewJourney,
  makeReference: () => string = newJourneyReference,
): Promise<Journey & { created: boolean }> {
  for (let attempt = 1; attempt <= MAX_REFERENCE_ATTEMPTS; attempt++) {
    const { rows } = await db.query<JourneyRow>(
      `insert into whatsapp_handler.journeys
              (id, reference, user_id, correlation_id, origin_crs, destination_crs, travel_date,
               departure_datetime, arrival_datetime, journey_type)
       values ($1::uuid, $2::varchar, $3::uuid, $4::varchar, $5::char(3), $6::char(3), $7::date,
               $8::timestamptz, $9::timestamptz, $10::varchar)
       on conflict do nothing
       returning ${COLUMNS}`,
      [
        randomUUID(),
        makeReference(),
        journey.userId,
        journey.correlationId,
        journey.originCrs,
        journey.destinationCrs,
        journey.travelDate,
        toTimestamp(journey.departureDatetime),
        toTimestamp(journey.arrivalDatetime),
        journey.journeyType,
      ],
    );
    if (rows[0]) return { ...toJourney(rows[0]), created: true };
    const existing = await findJourneyByCorrelation(db, journey.userId, journey.correlationId);
    if (existing) return { ...existing, created: false };
    // Neither inserted nor there before: the reference was taken. Draw another.
  }
  throw new Error(`no free journey reference after ${MAX_REFERENCE_ATTEMPTS} attempts`);
}

function toTimestamp(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

async function findJourneyByCorrelation(
  db: Queryable,
  userId: string,
  correlationId: string,
): Promise<Journey | undefined> {
  const { rows } = await db.query<JourneyRow>(
    `select ${COLUMNS}
       from whatsapp_handler.journeys
      where user_id = $1::uuid and correlation_id = $2::varchar`,
    [userId, correlationId],
  );
  return rows[0] && toJourney(rows[0]);
}

/** A journey with its ticket count, or undefined when there is none with this id. */
export async function findJourney(db: Queryable, id: string): Promise<JourneyWithTickets | undefined> {
  const { rows } = await db.query<JourneyRow & { media_count: number }>(
    `select ${COLUMNS},
            (select count(*) from whatsapp_handler.journey_ticket_files f where f.journey_id = j.id)::int
              as media_count
       from whatsapp_handler.journeys j
      where j.id = $1::uuid`,
    [id],
  );
  return rows[0] && { ...toJourney(rows[0]), mediaCount: rows[0].media_count };
}

/** The user's newest `limit` journeys, newest first, each with its ticket count. */
export async function listJourneys(db: Queryable, userId: string, limit: number): Promise<JourneyWithTickets[]> {
  const { rows } = await db.query<JourneyRow & { media_count: number }>(
    `select ${COLUMNS},
            (select count(*) from whatsapp_handler.journey_ticket_files f where f.journey_id = j.id)::int
              as media_count
       from whatsapp_handler.journeys j
      where j.user_id = $1::uuid
      order by j.created_at desc, j.id desc
      limit $2::int`,
    [userId, limit],
  );
  return rows.map((row) => ({ ...toJourney(row), mediaCount: row.media_count }));
}

/** Locks one journey row for a status change; undefined when there is no such journey. */
export async function lockJourney(db: Queryable, id: string): Promise<Journey | undefined> {
  const { rows } = await db.query<JourneyRow>(
    `select ${COLUMNS} from whatsapp_handler.journeys where id = $1::uuid for update`,
    [id],
  );
  return rows[0] && toJourney(rows[0]);
}

/**
 * Moves a journey's claim to `status`, keeping the amount and claim reference unless given, and
 * records the change in its history with the event that caused it.
 */
export async function changeJourneyStatus(
  db: Queryable,
  change: {
    journeyId: string;
    status: JourneyStatus;
    previousStatus: JourneyStatus;
    amountPence?: number;
    claimReference?: string;
    eventId: string;
    eventType: string;
    occurredAt: string;
  },
): Promise<void> {
  await db.query(
    `update whatsapp_handler.journeys
        set status = $2::varchar,
            amount_pence = coalesce($3::integer, amount_pence),
            claim_reference = coalesce($4::varchar, claim_reference),
            updated_at = now()
      where id = $1::uuid`,
    [change.journeyId, change.status, change.amountPence ?? null, change.claimReference ?? null],
  );
  await db.query(
    `insert into whatsapp_handler.journey_status_history
       (journey_id, status, previous_status, event_id, event_type, occurred_at)
     values ($1::uuid, $2::varchar, $3::varchar, $4::varchar, $5::varchar, $6::timestamptz)`,
    [change.journeyId, change.status, change.previousStatus, change.eventId, change.eventType, change.occurredAt],
  );
}

export type JourneyStatusChange = {
  status: JourneyStatus;
  previousStatus: JourneyStatus;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  recordedAt: Date;
};

/** A journey's status history, oldest first. */
export async function listJourneyStatusHistory(db: Queryable, journeyId: string): Promise<JourneyStatusChange[]> {
  const { rows } = await db.query<{
    status: JourneyStatus;
    previous_status: JourneyStatus;
    event_id: string;
    event_type: string;
    occurred_at: Date;
    recorded_at: Date;
  }>(
    `select status, previous_status, event_id, event_type, occurred_at, recorded_at
       from whatsapp_handler.journey_status_history where journey_id = $1::uuid order by id`,
    [journeyId],
  );
  return rows.map((row) => ({
    status: row.status,
    previousStatus: row.previous_status,
    eventId: row.event_id,
    eventType: row.event_type,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
  }));
}
