// Request and response shapes of the internal API. The routes validate with them and the OpenAPI
// document is generated from them, so the two cannot drift apart. (No .meta({ id }) here: ids
// live in the OpenAPI file's own registry, not zod's global one shared with the rest of the code.)
import { z } from 'zod';
import { JOURNEY_REFERENCE_PATTERN } from '../../events/event-types';
import { preferenceSchemas } from '../../preferences/registry';
import { JOURNEY_STATUSES } from '../../repos/journeys';

export const userIdParam = z.uuid();
export const phoneQuery = z.string().regex(/^\+[1-9][0-9]{1,14}$/, 'must be an E.164 number such as +447700900123');
export const outboxEventIdParam = z.uuid();

export const errorBody = z
  .object({ code: z.string(), message: z.string() })
  .describe('Every error answer; codes are listed in docs/error-codes.md');

const preferencesShape = Object.fromEntries(
  Object.entries(preferenceSchemas).map(([key, schema]) => [key, schema.optional()]),
) as { [K in keyof typeof preferenceSchemas]: z.ZodOptional<(typeof preferenceSchemas)[K]> };

export const preferencesBody = z
  .strictObject(preferencesShape)
  .describe('Typed preferences (src/preferences/registry.ts); unknown keys are refused');

export const userBody = z
  .object({
    id: z.uuid(),
    phone_number: z.string().describe('E.164'),
    verified_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    preferences: preferencesBody,
  })
  .describe('A user; preferences are the effective values (stored choices over defaults)');

export const preferencesAcceptedBody = z
  .object({
    status: z.literal('accepted'),
    jobs: z.array(z.object({ key: z.string(), job_id: z.string() })),
  })
  .describe(
    'One update-preference job per key; each writes the value and emits user.preferences_updated when it changes',
  );

export const parkedEventBody = z
  .object({
    event_id: z.uuid(),
    event_type: z.string(),
    aggregate_type: z.string(),
    aggregate_id: z.uuid(),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    created_at: z.iso.datetime(),
    parked_at: z.iso.datetime(),
  })
  .describe('An outbox event that kept failing and waits for an operator');

export const parkedEventsBody = z.object({ events: z.array(parkedEventBody) });

export const retryAcceptedBody = z
  .object({ event_id: z.uuid(), status: z.literal('queued') })
  .describe('The event is due again and the relay has been woken');

export const journeyIdParam = z.uuid();
// Path segments arrive as text; the route turns digits into a number before checking this. The
// upper bound is Postgres's integer: a larger n is refused (400) rather than looked up.
export const ticketNumberParam = z.int().min(1).max(2_147_483_647).describe('The ticket file number, from 1');

const crsCode = z.string().regex(/^[A-Z]{3}$/);
const londonDateTime = z.iso
  .datetime({ offset: true })
  .describe('Europe/London local time with the offset in force that day, such as 2026-07-14T08:05:00+01:00');

export const journeyBody = z
  .strictObject({
    id: z.uuid(),
    reference: z.string().regex(JOURNEY_REFERENCE_PATTERN).describe('What the passenger quotes, such as RR-7K3F9Q'),
    user_id: z.uuid(),
    origin_crs: crsCode,
    destination_crs: crsCode,
    departure_datetime: londonDateTime,
    arrival_datetime: londonDateTime,
    journey_type: z.enum(['single', 'return']),
    status: z.enum(JOURNEY_STATUSES).describe('received until the claim services report on it'),
    amount_pence: z
      .int()
      .min(0)
      .nullable()
      .describe('The latest amount: the compensation offered when eligible, then the amount paid; null until then'),
    claim_reference: z.string().nullable().describe("The train operator's reference once the claim is submitted"),
    ticket: z
      .strictObject({ media_count: z.int().min(0) })
      .describe('How many ticket files there are: GET /api/v1/journeys/{id}/tickets/{n} for n from 1'),
    created_at: z.iso.datetime(),
  })
  .describe('A reported journey: the journey.created fields and its status');

export const journeyStatusChangeBody = z
  .strictObject({
    status: z.enum(JOURNEY_STATUSES),
    previous_status: z.enum(JOURNEY_STATUSES),
    event_id: z.string().describe('The claim event that caused the change'),
    event_type: z.string(),
    occurred_at: z.iso.datetime().describe('When the claim services say it happened'),
    recorded_at: z.iso.datetime().describe('When this service applied it'),
  })
  .describe("One change of a journey's claim status");

export const journeyDetailBody = journeyBody
  .extend({ status_history: z.array(journeyStatusChangeBody).describe('Oldest first') })
  .describe('A reported journey: the journey.created fields, its status and how it got there');

export const journeysBody = z
  .object({ journeys: z.array(journeyBody) })
  .describe("The user's journeys, newest first (at most 200)");

// POST /api/v1/events (routes/inbound-events.ts) answers in its own shapes, as Standard Webhooks
// senders read only the status.
export const inboundEventAcceptedBody = z
  .object({ status: z.enum(['queued', 'duplicate']), event_id: z.string() })
  .describe('queued (202): appended to the inbound events stream; duplicate (200): this webhook-id was already queued');

export const inboundEventErrorBody = z
  .object({ error: z.string() })
  .describe('Why the event was refused: a signature failure (401) or the envelope problem (400, 422)');

// Kept inbound events (routes/internal-api-inbound-events.ts): claim events that could not be
// handled, waiting for an operator to replay them as stored or corrected.
export const keptEventIdParam = z.uuid();
/** How many kept events one list answer holds; each may carry up to 64 KiB of raw text. */
export const keptEventsLimitQuery = z.int().min(1).max(500).default(50);

export const keptEventBody = z
  .strictObject({
    id: z.uuid(),
    source: z.enum(['stream', 'http', 'replay']).describe('The route the event came by'),
    stream_entry_id: z.string().nullable(),
    event_id: z.string().nullable().describe('When it could be read'),
    event_type: z.string().nullable().describe('When it could be read'),
    reason: z.string().describe('Why it could not be handled'),
    kept_at: z.iso.datetime(),
    raw: z.string().describe('The envelope text as received (up to 64 KiB)'),
  })
  .describe('An inbound event that could not be handled and waits for an operator');

export const keptEventsBody = z
  .object({ kept: z.array(keptEventBody) })
  .describe('Kept events not yet replayed, oldest first');

/** The outcomes of a replay that handled the event (handle-inbound-event.ts). */
export const REPLAY_HANDLED_OUTCOMES = ['applied', 'duplicate', 'stale', 'user-deleted', 'unknown-type'] as const;

export const replayHandledBody = z
  .object({ outcome: z.enum(REPLAY_HANDLED_OUTCOMES) })
  .describe('The event was handled as a fresh one would be, and the kept event is marked replayed');

export const replayStillKeptBody = z
  .object({ outcome: z.literal('kept'), reason: z.string() })
  .describe('The event still cannot be handled; the kept event stays open');
