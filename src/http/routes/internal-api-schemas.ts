// Request and response shapes of the internal API. The routes validate with them and the OpenAPI
// document is generated from them, so the two cannot drift apart. (No .meta({ id }) here: ids
// live in the OpenAPI file's own registry, not zod's global one shared with the rest of the code.)
import { z } from 'zod';
import { preferenceSchemas } from '../../preferences/registry';

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
