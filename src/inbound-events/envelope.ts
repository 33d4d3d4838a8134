// Claim events other RailRepay services send us, in the envelope of our own events (PRODUCT.md,
// "Claim updates and proactive messages"): parsed and checked here, before anything acts on them.
import { z } from 'zod';

/** The largest envelope accepted, by either route; bigger is kept for an operator as malformed. */
export const MAX_EVENT_BYTES = 64 * 1024;

const pence = z.number().int().min(0).max(100_000_000);
const ids = { journey_id: z.uuid(), user_id: z.uuid() };

export const CLAIM_EVENT_PAYLOADS = {
  'evaluation.completed': z.object({
    ...ids,
    eligible: z.boolean(),
    scheme: z.string().min(1).max(100),
    compensation_pence: pence,
    delay_minutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60 * 7),
  }),
  'claim.submitted': z.object({
    ...ids,
    claim_reference: z.string().min(1).max(100),
    operator: z.string().min(1).max(100),
  }),
  'claim.paid': z.object({ ...ids, amount_pence: pence }),
  'claim.rejected': z.object({ ...ids, reason: z.string().min(1).max(500) }),
} as const;

export type ClaimEventType = keyof typeof CLAIM_EVENT_PAYLOADS;
export type ClaimEventPayload<T extends ClaimEventType = ClaimEventType> = z.infer<(typeof CLAIM_EVENT_PAYLOADS)[T]>;

export function isClaimEventType(type: string): type is ClaimEventType {
  return Object.hasOwn(CLAIM_EVENT_PAYLOADS, type);
}

const envelopeSchema = z.object({
  event_id: z.string().min(1).max(64),
  event_type: z.string().min(1).max(100),
  aggregate_type: z.string().min(1).max(100),
  aggregate_id: z.string().min(1).max(128),
  occurred_at: z.iso.datetime({ offset: true }),
  correlation_id: z.string().max(128).nullable().optional(),
  payload: z.record(z.string(), z.unknown()),
});

export type InboundEnvelope = z.infer<typeof envelopeSchema>;

export type ParsedEvent =
  | { kind: 'claim'; envelope: InboundEnvelope; type: ClaimEventType; payload: ClaimEventPayload }
  /** A well-formed envelope of a type this service does not act on: acknowledged and counted. */
  | { kind: 'unknown-type'; envelope: InboundEnvelope }
  /** Kept for an operator with the reason; `eventId` when it could be read. */
  | { kind: 'malformed'; reason: string; eventId?: string; eventType?: string };

function describe(error: z.ZodError, where: string): string {
  const issue = error.issues[0]!;
  const path = issue.path.join('.');
  return `${where}${path ? `.${path}` : ''}: ${issue.message}`;
}

/** Parses an envelope's JSON text (a stream entry's `envelope` field, or a request body). */
export function parseEnvelopeJson(text: string): ParsedEvent {
  if (Buffer.byteLength(text) > MAX_EVENT_BYTES)
    return { kind: 'malformed', reason: `envelope over ${MAX_EVENT_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'envelope is not JSON' };
  }
  return parseEnvelope(json);
}

export function parseEnvelope(json: unknown): ParsedEvent {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    const partial = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    return {
      kind: 'malformed',
      reason: describe(envelope.error, 'envelope'),
      ...(typeof partial.event_id === 'string' && { eventId: partial.event_id.slice(0, 128) }),
      ...(typeof partial.event_type === 'string' && { eventType: partial.event_type.slice(0, 100) }),
    };
  }
  const { event_type: type } = envelope.data;
  if (!isClaimEventType(type)) return { kind: 'unknown-type', envelope: envelope.data };
  const payload = CLAIM_EVENT_PAYLOADS[type].safeParse(envelope.data.payload);
  if (!payload.success) {
    return {
      kind: 'malformed',
      reason: describe(payload.error, 'payload'),
      eventId: envelope.data.event_id,
      eventType: type,
    };
  }
  return { kind: 'claim', envelope: envelope.data, type, payload: payload.data };
}
