// The OpenAPI 3.1 description of the internal API, generated from the zod schemas the routes use
// (OpenAPI 3.1 schemas are JSON Schema 2020-12, which z.toJSONSchema produces).
import { z } from 'zod';
import { TICKET_CONTENT_TYPES } from '../../tickets/ticket-type';
import {
  errorBody,
  inboundEventAcceptedBody,
  inboundEventErrorBody,
  journeyBody,
  journeyDetailBody,
  journeyIdParam,
  journeyStatusChangeBody,
  journeysBody,
  keptEventBody,
  keptEventIdParam,
  keptEventsBody,
  keptEventsLimitQuery,
  outboxEventIdParam,
  parkedEventsBody,
  phoneQuery,
  preferencesAcceptedBody,
  preferencesBody,
  replayHandledBody,
  replayStillKeptBody,
  retryAcceptedBody,
  ticketNumberParam,
  userBody,
  userIdParam,
} from './internal-api-schemas';

type JsonSchema = Record<string, unknown>;

function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  registry.add(errorBody, { id: 'Error' });
  registry.add(preferencesBody, { id: 'Preferences' });
  registry.add(userBody, { id: 'User' });
  registry.add(preferencesAcceptedBody, { id: 'PreferencesAccepted' });
  registry.add(parkedEventsBody, { id: 'ParkedEvents' });
  registry.add(retryAcceptedBody, { id: 'RetryAccepted' });
  registry.add(journeyBody, { id: 'Journey' });
  registry.add(journeysBody, { id: 'Journeys' });
  registry.add(journeyStatusChangeBody, { id: 'JourneyStatusChange' });
  registry.add(journeyDetailBody, { id: 'JourneyDetail' });
  registry.add(keptEventBody, { id: 'KeptEvent' });
  registry.add(keptEventsBody, { id: 'KeptEvents' });
  registry.add(replayHandledBody, { id: 'ReplayHandled' });
  registry.add(replayStillKeptBody, { id: 'ReplayStillKept' });
  registry.add(inboundEventAcceptedBody, { id: 'InboundEventAccepted' });
  registry.add(inboundEventErrorBody, { id: 'InboundEventError' });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Each schema carries its own $schema/$id; inside an OpenAPI document they are noise.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

const inline = (schema: z.ZodType): JsonSchema => {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});
const errors = {
  '400': json('Error', 'Invalid input'),
  '401': json('Error', 'Missing or wrong bearer token'),
  '404': json('Error', 'Not found (or the API is not configured: INTERNAL_API_TOKEN unset)'),
};

export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'whatsapp-handler internal API',
      version: '1.0.0',
      description:
        'User lookups, preference updates and journeys (with their ticket files and claim status history) for other RailRepay services, operator retries of parked outbox events, and operator replays of kept inbound events. Every path needs Authorization: Bearer <INTERNAL_API_TOKEN>, except POST /api/v1/events, which is signed with Standard Webhooks instead.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: componentSchemas(),
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/users/{id}': {
        get: {
          operationId: 'getUser',
          summary: 'A user by id',
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(userIdParam) }],
          responses: { '200': json('User', 'The user'), ...errors },
        },
      },
      '/api/v1/users': {
        get: {
          operationId: 'findUserByPhone',
          summary: 'A user by phone number (encode + as %2B)',
          parameters: [{ name: 'phone', in: 'query', required: true, schema: inline(phoneQuery) }],
          responses: { '200': json('User', 'The user'), ...errors },
        },
      },
      '/api/v1/users/{id}/preferences': {
        put: {
          operationId: 'updatePreferences',
          summary: 'Queue preference updates (one job per key)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(userIdParam) }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('Preferences') } } },
          responses: { '202': json('PreferencesAccepted', 'Queued'), ...errors },
        },
      },
      '/api/v1/users/{id}/journeys': {
        get: {
          operationId: 'listUserJourneys',
          summary: "A user's journeys with their status, newest first (the newest 200)",
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(userIdParam) }],
          responses: { '200': json('Journeys', 'The journeys'), ...errors },
        },
      },
      '/api/v1/journeys/{id}': {
        get: {
          operationId: 'getJourney',
          summary: 'A journey: the journey.created fields, its status and its status history',
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(journeyIdParam) }],
          responses: { '200': json('JourneyDetail', 'The journey'), ...errors },
        },
      },
      '/api/v1/journeys/{id}/tickets/{n}': {
        get: {
          operationId: 'getJourneyTicket',
          summary: "The journey's n-th ticket file (from 1), as stored, with its content type",
          parameters: [
            { name: 'id', in: 'path', required: true, schema: inline(journeyIdParam) },
            { name: 'n', in: 'path', required: true, schema: inline(ticketNumberParam) },
          ],
          responses: {
            '200': {
              description:
                'The file (Content-Disposition: inline, X-Content-Type-Options: nosniff, Cache-Control: no-store)',
              content: Object.fromEntries(TICKET_CONTENT_TYPES.map((type) => [type, {}])),
            },
            ...errors,
            '404': json('Error', 'No such journey, or it has fewer ticket files (or the API is not configured)'),
          },
        },
      },
      '/api/v1/events': {
        post: {
          operationId: 'sendEvent',
          summary: 'Queue a claim event (the envelope of docs/events.md), signed with Standard Webhooks',
          description:
            'Signed with INBOUND_EVENTS_SECRET as https://www.standardwebhooks.com describes; no bearer token. A timestamp more than 5 minutes off is refused; a webhook-id already queued is answered duplicate.',
          security: [],
          parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
            name,
            in: 'header',
            required: true,
            schema: { type: 'string' },
          })),
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            '200': json('InboundEventAccepted', 'Already queued under this webhook-id; not queued again'),
            '202': json('InboundEventAccepted', 'Queued'),
            '400': json('InboundEventError', 'The body is not JSON'),
            '401': json('InboundEventError', 'Missing or invalid Standard Webhooks headers, signature or timestamp'),
            '404': json('Error', 'Not configured (INBOUND_EVENTS_SECRET unset)'),
            '409': json('InboundEventError', 'A delivery with this webhook-id is being queued; retry (Retry-After)'),
            '413': json('InboundEventError', 'The body is over 64 KiB'),
            '415': json('InboundEventError', 'The body is not declared application/json'),
            '422': json('InboundEventError', 'Not a valid event envelope or payload; the reason says where'),
            '503': json('InboundEventError', 'Redis unavailable; retry (Retry-After)'),
          },
        },
      },
      '/api/v1/outbox/parked': {
        get: {
          operationId: 'listParkedEvents',
          summary: 'Outbox events parked after repeated publish failures (oldest 100)',
          responses: { '200': json('ParkedEvents', 'Parked events'), '401': errors['401'], '404': errors['404'] },
        },
      },
      '/api/v1/outbox/{id}/retry': {
        post: {
          operationId: 'retryParkedEvent',
          summary: 'Make a parked event due again and wake the relay',
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(outboxEventIdParam) }],
          responses: { '202': json('RetryAccepted', 'The event will be published'), ...errors },
        },
      },
      '/api/v1/inbound-events/kept': {
        get: {
          operationId: 'listKeptInboundEvents',
          summary: 'Inbound claim events that could not be handled and are not yet replayed, oldest first',
          parameters: [{ name: 'limit', in: 'query', required: false, schema: inline(keptEventsLimitQuery) }],
          responses: { '200': json('KeptEvents', 'Kept events'), ...errors },
        },
      },
      '/api/v1/inbound-events/kept/{id}/replay': {
        post: {
          operationId: 'replayKeptInboundEvent',
          summary: 'Replay a kept event, as stored or with a corrected envelope, as a fresh event is handled',
          description:
            'With no body the stored text is replayed; with a JSON body (up to 64 KiB) that body is the corrected envelope. Event ids still take effect once. A kept event that is handled is marked replayed and no longer listed.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: inline(keptEventIdParam) }],
          requestBody: {
            required: false,
            content: { 'application/json': { schema: { type: 'object', description: 'The corrected envelope' } } },
          },
          responses: {
            '200': json('ReplayHandled', 'Handled; the kept event is marked replayed'),
            ...errors,
            '400': json('Error', 'The id is not a UUID, or the body is not JSON'),
            '404': json('Error', 'No kept event with this id (or the API is not configured)'),
            '409': json('Error', 'The kept event has been replayed already'),
            '413': json('Error', 'The body is over 64 KiB'),
            '415': json('Error', 'A body that is not declared application/json'),
            '422': json('ReplayStillKept', 'Still cannot be handled (the reason says why); the kept event stays open'),
          },
        },
      },
    },
  };
}
