// The catalog of domain events: each type's name, aggregate and payload schema. Payloads carry
// ids and codes, never phone numbers or message text (other services look users up by id).
// docs/events.md documents the same list for consumers; keep the two in step.
import { z } from 'zod';
import { toLondonIso } from '../journeys/london-time';

export const EVENT_TYPE = {
  userRegistered: 'user.registered',
  userVerified: 'user.verified',
  userPreferencesUpdated: 'user.preferences_updated',
  userDeleted: 'user.deleted',
  journeyCreated: 'journey.created',
  journeyStatusChanged: 'journey.status_changed',
} as const;
export type EventType = (typeof EVENT_TYPE)[keyof typeof EVENT_TYPE];

const crs = z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter CRS code');

/**
 * A terms version as TERMS_VERSION names it (such as 2026-11): claim-dispatcher owns terms
 * acceptance, so user.registered tells it which version the passenger said YES to.
 */
export const TERMS_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export const userRegisteredPayload = z.strictObject({
  user_id: z.uuid(),
  terms_version: z.string().regex(TERMS_VERSION_PATTERN, 'must be a terms version such as 2026-11'),
  /** When the YES was handled: the user row's created_at, in UTC with Z. */
  terms_accepted_at: z.iso.datetime(),
});
export const userVerifiedPayload = z.strictObject({ user_id: z.uuid() });
export const userPreferencesUpdatedPayload = z.strictObject({
  user_id: z.uuid(),
  key: z.string().min(1).max(100),
  // Preference values are small scalars (flags, CRS codes): see src/preferences/registry.ts.
  value: z.union([z.boolean(), z.string().max(100), z.number(), z.null()]),
});
/** Why a user was deleted: the passenger's DELETE MY DATA, or a number never verified in time. */
export const USER_DELETED_REASONS = ['user_request', 'unverified_expired'] as const;
export type UserDeletedReason = (typeof USER_DELETED_REASONS)[number];
export const userDeletedPayload = z.strictObject({ user_id: z.uuid(), reason: z.enum(USER_DELETED_REASONS) });
/** A journey's short reference: RR- and six characters of Crockford's base32 without I, L, O, U. */
export const JOURNEY_REFERENCE_PATTERN = /^RR-[0-9A-HJKMNP-TV-Z]{6}$/;
/**
 * Europe/London local time as ISO 8601 with the offset in force then (+00:00 or +01:00), never Z
 * and never another zone's offset: exactly what toLondonIso writes for that instant.
 */
const londonDateTime = z.iso
  .datetime({ offset: true })
  .refine((value) => toLondonIso(new Date(value)) === value, 'must be London time with its offset, such as +01:00');

export const journeyCreatedPayload = z.strictObject({
  journey_id: z.uuid(),
  user_id: z.uuid(),
  reference: z.string().regex(JOURNEY_REFERENCE_PATTERN, 'must be RR- and six characters, such as RR-7K3F9Q'),
  origin_crs: crs,
  destination_crs: crs,
  /** The scheduled departure in Europe/London local time with the offset in force that day. */
  departure_datetime: londonDateTime,
  /** The scheduled arrival, likewise (the next day when it is earlier than the departure). */
  arrival_datetime: londonDateTime,
  journey_type: z.enum(['single', 'return']),
  /** How many ticket files are stored; never a URL or the bytes (GET /api/v1/journeys/:id/tickets/:n). */
  ticket: z.strictObject({ media_count: z.int().min(0) }),
  reported_via: z.literal('whatsapp'),
});

const journeyStatus = z.enum(['received', 'eligible', 'not_eligible', 'submitted', 'paid', 'rejected']);

/** A journey's claim moved on, as another RailRepay service reported (cause_event_id). */
export const journeyStatusChangedPayload = z.strictObject({
  journey_id: z.uuid(),
  user_id: z.uuid(),
  status: journeyStatus,
  previous_status: journeyStatus,
  /** The compensation offered (eligible) or paid (paid), in pence; null when none is known. */
  amount_pence: z.int().min(0).nullable(),
  /** The event_id of the claim event that caused the change. */
  cause_event_id: z.string().min(1).max(128),
  cause_event_type: z.string().min(1).max(100),
});

/** Every event type with its aggregate and payload schema. */
export const EVENT_CATALOG = {
  [EVENT_TYPE.userRegistered]: { aggregateType: 'user', payload: userRegisteredPayload },
  [EVENT_TYPE.userVerified]: { aggregateType: 'user', payload: userVerifiedPayload },
  [EVENT_TYPE.userPreferencesUpdated]: { aggregateType: 'user', payload: userPreferencesUpdatedPayload },
  [EVENT_TYPE.userDeleted]: { aggregateType: 'user', payload: userDeletedPayload },
  [EVENT_TYPE.journeyCreated]: { aggregateType: 'journey', payload: journeyCreatedPayload },
  [EVENT_TYPE.journeyStatusChanged]: { aggregateType: 'journey', payload: journeyStatusChangedPayload },
} as const;
