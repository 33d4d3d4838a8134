// The internal API other RailRepay services call (bearer token): user lookups, preference
// updates (queued, as every write goes through a worker), journeys and their ticket files
// (internal-api-journeys.ts), retrying parked outbox events, and replaying kept inbound events
// (internal-api-inbound-events.ts).
// Mount with app.use(makeInternalApiRouter(deps)); every path is under /api/v1.
import { randomUUID } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Response } from 'express';
import type { Deps } from '../../deps';
import { wakeOutboxRelay } from '../../events';
import { JOB, QUEUE, type UpdatePreferenceJob } from '../../jobs/queues';
import { preferenceDefaults, preferenceSchemas } from '../../preferences/registry';
import { listParkedEvents, unparkEvent } from '../../repos/outbox';
import { listPreferences, nextPreferenceWriteSeq } from '../../repos/preferences';
import { findUserById, findUserByPhone, type User } from '../../repos/users';
import { requireBearerToken } from '../middleware/require-bearer-token';
import { installInboundEventRoutes } from './internal-api-inbound-events';
import { installJourneyRoutes } from './internal-api-journeys';
import { buildOpenApiDocument } from './internal-api-openapi';
import { outboxEventIdParam, phoneQuery, userIdParam } from './internal-api-schemas';

export type InternalApiDeps = Pick<Deps, 'config' | 'db' | 'queues' | 'logger' | 'clock' | 'metrics'>;

// Preference bodies are a handful of small fields; anything bigger is not a preference update.
const BODY_LIMIT = '16kb';
const PARKED_LIST_LIMIT = 100;

function fail(res: Response, status: 400 | 404, code: string, message: string): void {
  res.status(status).json({ code, message });
}

export function makeInternalApiRouter(deps: InternalApiDeps): Router {
  const router = Router();
  const openApi = buildOpenApiDocument();

  router.use('/api/v1', requireBearerToken(deps.config.internalApiToken));
  // Before the JSON parser: a replay's corrected envelope may be up to 64 KiB, and it reads it itself.
  installInboundEventRoutes(router, deps);
  router.use('/api/v1', express.json({ limit: BODY_LIMIT }));

  const userView = async (user: User) => ({
    id: user.id,
    phone_number: user.phoneNumber,
    verified_at: user.verifiedAt?.toISOString() ?? null,
    created_at: user.createdAt.toISOString(),
    preferences: { ...preferenceDefaults, ...(await listPreferences(deps.db, user.id)) },
  });

  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  router.get('/api/v1/users/:id', async (req, res) => {
    const id = userIdParam.safeParse(req.params.id);
    if (!id.success) return fail(res, 400, 'INVALID_USER_ID', 'the user id must be a UUID');
    const user = await findUserById(deps.db, id.data);
    if (!user) return fail(res, 404, 'USER_NOT_FOUND', 'no user with this id');
    res.json(await userView(user));
  });

  router.get('/api/v1/users', async (req, res) => {
    // An unencoded "+" in a query string arrives as a space; accept it rather than answer 400.
    const raw = typeof req.query.phone === 'string' ? req.query.phone.replace(/^ /, '+') : undefined;
    const phone = phoneQuery.safeParse(raw);
    if (!phone.success) return fail(res, 400, 'INVALID_PHONE_NUMBER', 'phone must be E.164, such as %2B447700900123');
    const user = await findUserByPhone(deps.db, phone.data);
    if (!user) return fail(res, 404, 'USER_NOT_FOUND', 'no user with this phone number');
    res.json(await userView(user));
  });

  router.put('/api/v1/users/:id/preferences', async (req, res) => {
    const id = userIdParam.safeParse(req.params.id);
    if (!id.success) return fail(res, 400, 'INVALID_USER_ID', 'the user id must be a UUID');
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length === 0) {
      return fail(res, 400, 'INVALID_REQUEST', 'send a JSON object of preference keys and values');
    }
    const entries = Object.entries(body);
    for (const [key, value] of entries) {
      if (!Object.hasOwn(preferenceSchemas, key)) {
        return fail(res, 400, 'UNKNOWN_PREFERENCE_KEY', `unknown preference key: ${key.slice(0, 100)}`);
      }
      const parsed = preferenceSchemas[key as keyof typeof preferenceSchemas].safeParse(value);
      if (!parsed.success) {
        const reason = parsed.error.issues[0]?.message ?? 'invalid';
        return fail(res, 400, 'INVALID_PREFERENCE_VALUE', `invalid value for preference ${key}: ${reason}`);
      }
    }
    if (!(await findUserById(deps.db, id.data))) return fail(res, 404, 'USER_NOT_FOUND', 'no user with this id');

    const requestId = req.get('x-request-id');
    const correlationId = requestId && requestId.length <= 64 ? requestId : `api-${randomUUID()}`;
    // Numbered as accepted, so writes of one user apply in this order whatever order they run in.
    const acceptedSeq = await nextPreferenceWriteSeq(deps.db);
    const jobs = await deps.queues[QUEUE.preferenceUpdate].addBulk(
      entries.map(([key, value]) => {
        const data: UpdatePreferenceJob = { userId: id.data, key, value, correlationId, acceptedSeq };
        return { name: JOB.updatePreference, data };
      }),
    );
    res.status(202).json({
      status: 'accepted',
      jobs: jobs.map((job, i) => ({ key: entries[i]![0], job_id: job.id! })),
    });
  });

  installJourneyRoutes(router, deps);

  router.get('/api/v1/outbox/parked', async (_req, res) => {
    const events = await listParkedEvents(deps.db, PARKED_LIST_LIMIT);
    res.json({
      events: events.map((event) => ({
        event_id: event.id,
        event_type: event.eventType,
        aggregate_type: event.aggregateType,
        aggregate_id: event.aggregateId,
        attempts: event.attempts,
        last_error: event.lastError,
        created_at: event.createdAt.toISOString(),
        parked_at: event.parkedAt.toISOString(),
      })),
    });
  });

  router.post('/api/v1/outbox/:id/retry', async (req, res) => {
    const id = outboxEventIdParam.safeParse(req.params.id);
    if (!id.success) return fail(res, 400, 'INVALID_EVENT_ID', 'the event id must be a UUID');
    if (!(await unparkEvent(deps.db, id.data))) {
      return fail(res, 404, 'PARKED_EVENT_NOT_FOUND', 'no parked event with this id');
    }
    deps.logger.info({ eventId: id.data }, 'operator retried a parked outbox event through the API');
    await wakeOutboxRelay(deps.queues);
    res.status(202).json({ event_id: id.data, status: 'queued' });
  });

  router.use('/api/v1', (_req, res) => fail(res, 404, 'NOT_FOUND', 'no such endpoint'));

  const onError: ErrorRequestHandler = (
    error: { type?: string; status?: number; message?: string },
    _req,
    res,
    next,
  ) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.parse.failed') return fail(res, 400, 'INVALID_JSON', 'the body is not valid JSON');
    if (error.type === 'entity.too.large') {
      res.status(413).json({ code: 'BODY_TOO_LARGE', message: `the body exceeds ${BODY_LIMIT}` });
      return;
    }
    deps.logger.error({ err: error.message }, 'internal API error');
    res.status(500).json({ code: 'INTERNAL_ERROR', message: 'internal error' });
  };
  router.use('/api/v1', onError);
  return router;
}
