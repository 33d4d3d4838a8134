// Builders the code that changes state calls inside its transaction:
//   await appendEvent(client, userVerified({ userId, correlationId }));
// Each validates its payload against the catalog, so a malformed event fails the transaction
// that would have written it instead of reaching consumers.
import type { NewOutboxEvent } from '../repos/outbox';
import { EVENT_CATALOG, EVENT_TYPE, type EventType, type UserDeletedReason } from './event-types';

/** The inbound MessageSid (or other request id) that caused the change, when there is one. */
type Correlation = { correlationId?: string | null | undefined };

function build(eventType: EventType, aggregateId: string, payload: unknown, correlationId?: string | null) {
  const entry = EVENT_CATALOG[eventType];
  const parsed = entry.payload.parse(payload) as Record<string, unknown>;
  const event: NewOutboxEvent = {
    aggregateType: entry.aggregateType,
    aggregateId,
    eventType,
    payload: parsed,
    correlationId: correlationId ?? null,
  };
  return event;
}

/**
 * Consent travels with the event (claim-dispatcher owns terms acceptance; no terms columns here):
 * the terms version accepted and when, which is the user row's created_at.
 */
export function userRegistered(
  input: { userId: string; termsVersion: string; termsAcceptedAt: Date } & Correlation,
): NewOutboxEvent {
  return build(
    EVENT_TYPE.userRegistered,
    input.userId,
    {
      user_id: input.userId,
      terms_version: input.termsVersion,
      terms_accepted_at: input.termsAcceptedAt.toISOString(),
    },
    input.correlationId,
  );
}

export function userVerified(input: { userId: string } & Correlation): NewOutboxEvent {
  return build(EVENT_TYPE.userVerified, input.userId, { user_id: input.userId }, input.correlationId);
}

export function userPreferencesUpdated(
  input: { userId: string; key: string; value: boolean | string | number | null } & Correlation,
): NewOutboxEvent {
  return build(
    EVENT_TYPE.userPreferencesUpdated,
    input.userId,
    { user_id: input.userId, key: input.key, value: input.value },
    input.correlationId,
  );
}

/** No PII: consumers erase what they hold for this user id, whatever the reason. */
export function userDeleted(input: { userId: string; reason: UserDeletedReason } & Correlation): NewOutboxEvent {
  return build(
    EVENT_TYPE.userDeleted,
    input.userId,
    { user_id: input.userId, reason: input.reason },
    input.correlationId,
  );
}

/**
 * A confirmed journey report, for journey-matcher. Times are London local time with their offset
 * (toLondonIso); the ticket is only counted: consumers fetch files through the internal API.
 */
export function journeyCreated(
  input: {
    journeyId: string;
    userId: string;
    reference: string;
    originCrs: string;
    destinationCrs: string;
    departureDatetime: string;
    arrivalDatetime: string;
    journeyType: 'single' | 'return';
    mediaCount: number;
  } & Correlation,
): NewOutboxEvent {
  return build(
    EVENT_TYPE.journeyCreated,
    input.journeyId,
    {
      journey_id: input.journeyId,
      user_id: input.userId,
      reference: input.reference,
      origin_crs: input.originCrs,
      destination_crs: input.destinationCrs,
      departure_datetime: input.departureDatetime,
      arrival_datetime: input.arrivalDatetime,
      journey_type: input.journeyType,
      ticket: { media_count: input.mediaCount },
      reported_via: 'whatsapp',
    },
    input.correlationId,
  );
}

/** A journey's claim status changed, in the transaction that changed it. */
export function journeyStatusChanged(input: {
  journeyId: string;
  userId: string;
  status: string;
  previousStatus: string;
  amountPence: number | null;
  causeEventId: string;
  causeEventType: string;
}): NewOutboxEvent {
  return build(
    EVENT_TYPE.journeyStatusChanged,
    input.journeyId,
    {
      journey_id: input.journeyId,
      user_id: input.userId,
      status: input.status,
      previous_status: input.previousStatus,
      amount_pence: input.amountPence,
      cause_event_id: input.causeEventId,
      cause_event_type: input.causeEventType,
    },
    input.causeEventId,
  );
}
