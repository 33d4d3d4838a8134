// The catalog of domain events: each type's name, aggregate and payload schema. Payloads carry
// ids and codes, never phone numbers or message text (other services look users up by id).
// docs/events.md documents the same list for consumers; keep the two in step.
import { z } from 'zod';

export const EVENT_TYPE = {
  userRegistered: 'user.registered',
  userVerified: 'user.verified',
  userPreferencesUpdated: 'user.preferences_updated',
  userDeleted: 'user.deleted',
  journeyCreated: 'journey.created',
} as const;
export type EventType = (typeof EVENT_TYPE)[keyof typeof EVENT_TYPE];

const crs = z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter CRS code');

export const userRegisteredPayload = z.strictObject({ user_id: z.uuid() });
export const userVerifiedPayload = z.strictObject({ user_id: z.uuid() });
export const userPreferencesUpdatedPayload = z.strictObject({
  user_id: z.uuid(),
  key: z.string().min(1).max(100),
  // Preference values are small scalars (flags, CRS codes): see src/preferences/registry.ts.
  value: z.union([z.boolean(), z.string().max(100), z.number(), z.null()]),
});
export const userDeletedPayload = z.strictObject({ user_id: z.uuid() });
export const journeyCreatedPayload = z.strictObject({
  journey_id: z.uuid(),
  user_id: z.uuid(),
  /** The travel date in Europe/London, YYYY-MM-DD. */
  travel_date: z.iso.date(),
  origin_crs: crs,
  destination_crs: crs,
  /** Europe/London local departure time as ISO 8601 with its offset (+00:00 or +01:00). */
  scheduled_departure: z.iso.datetime({ offset: true }),
  has_ticket_media: z.boolean(),
});

/** Every event type with its aggregate and payload schema. */
export const EVENT_CATALOG = {
  [EVENT_TYPE.userRegistered]: { aggregateType: 'user', payload: userRegisteredPayload },
  [EVENT_TYPE.userVerified]: { aggregateType: 'user', payload: userVerifiedPayload },
  [EVENT_TYPE.userPreferencesUpdated]: { aggregateType: 'user', payload: userPreferencesUpdatedPayload },
  [EVENT_TYPE.userDeleted]: { aggregateType: 'user', payload: userDeletedPayload },
  [EVENT_TYPE.journeyCreated]: { aggregateType: 'journey', payload: journeyCreatedPayload },
} as const;
