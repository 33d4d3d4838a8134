import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { stageTicketFile, submitJourney } from '../../src/conversation-runtime/journey-effects';
import type { CompleteJourney } from '../../src/conversation/journey-types';
import { registeredEvent } from '../support/events';
import { makeApp } from '../../src/http/app';
import { makeInternalApiRouter } from '../../src/http/routes/internal-api';
import { journeyDetailBody, journeysBody } from '../../src/http/routes/internal-api-schemas';
import { handleInboundEvent } from '../../src/inbound-events/handle-inbound-event';
import { QUEUE } from '../../src/jobs/queues';
import { appendEvent, recordPublishFailure } from '../../src/repos/outbox';
import { upsertPreference } from '../../src/repos/preferences';
import { createUser, markUserVerified } from '../../src/repos/users';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';

const TOKEN = 'internal-api-token-for-tests-0123';
let t: TestDeps;
let server: Server;
let base: string;

async function start(env: NodeJS.ProcessEnv) {
  t = await makeTestDeps(makeFakeTwilio(), { env });
  const app = express();
  app.use(makeInternalApiRouter(t.deps));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

function call(path: string, init: RequestInit & { token?: string | null } = {}) {
  const { token = TOKEN, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  if (rest.body !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${base}${path}`, { ...rest, headers });
}

describe('with a token configured', () => {
  beforeEach(() => start({ INTERNAL_API_TOKEN: TOKEN }));

  it('answers 401 without a token or with a wrong one, and 200 with the right one', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900001' });

    const none = await call(`/api/v1/users/${user.id}`, { token: null });
    const wrong = await call(`/api/v1/users/${user.id}`, { token: `${TOKEN}x` });
    const right = await call(`/api/v1/users/${user.id}`);

    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String) });
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
  });

  it('returns a user with the effective preferences', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900002' });
    await markUserVerified(t.deps.db, user.id, new Date('2026-11-20T10:00:00Z'));
    await upsertPreference(t.deps.db, user.id, 'home_station', 'KGX');

    const response = await call(`/api/v1/users/${user.id}`);

    expect(await response.json()).toEqual({
      id: user.id,
      phone_number: '+447700900002',
      verified_at: '2026-11-20T10:00:00.000Z',
      created_at: user.createdAt.toISOString(),
      preferences: { notifications: true, opted_out: false, quiet_hours: true, home_station: 'KGX' },
    });
  });

  it('finds a user by phone number, with the + encoded or not', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900003' });

    const encoded = await call('/api/v1/users?phone=%2B447700900003');
    const unencoded = await call('/api/v1/users?phone=+447700900003');
    const unknown = await call('/api/v1/users?phone=%2B447700900999');
    const malformed = await call('/api/v1/users?phone=07700900003');

    expect(((await encoded.json()) as { id: string }).id).toBe(user.id);
    expect(((await unencoded.json()) as { id: string }).id).toBe(user.id);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 'USER_NOT_FOUND', message: expect.any(String) });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('INVALID_PHONE_NUMBER');
  });

  it('answers 400 for an id that is not a UUID and 404 for an unknown user', async () => {
    const bad = await call('/api/v1/users/not-a-uuid');
    const missing = await call(`/api/v1/users/${randomUUID()}`);

    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('INVALID_USER_ID');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('USER_NOT_FOUND');
  });

  it('queues one update-preference job per key and answers 202 with the job references', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900004' });

    const response = await call(`/api/v1/users/${user.id}/preferences`, {
      method: 'PUT',
      body: JSON.stringify({ notifications: false, home_station: 'EDB' }),
      headers: { 'x-request-id': 'req-123' },
    });

    expect(response.status).toBe(202);
    const body = (await response.json()) as { status: string; jobs: Array<{ key: string; job_id: string }> };
    expect(body.status).toBe('accepted');
    expect(body.jobs.map((job) => job.key)).toEqual(['notifications', 'home_station']);
    const queue = t.deps.queues[QUEUE.preferenceUpdate];
    const jobs = await Promise.all(body.jobs.map((job) => queue.getJob(job.job_id)));
    const acceptedSeq = expect.stringMatching(/^[0-9]+$/);
    expect(jobs.map((job) => job?.data)).toEqual([
      { userId: user.id, key: 'notifications', value: false, correlationId: 'req-123', acceptedSeq },
      { userId: user.id, key: 'home_station', value: 'EDB', correlationId: 'req-123', acceptedSeq },
    ]);
  });

  it('refuses unknown keys, bad values, bad JSON and empty bodies with 400 and queues nothing', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900005' });
    const put = (body: string) => call(`/api/v1/users/${user.id}/preferences`, { method: 'PUT', body });

    const answers = await Promise.all([
      put(JSON.stringify({ favourite_colour: 'blue' })),
      put(JSON.stringify({ home_station: 'Kings Cross' })),
      put(JSON.stringify({ notifications: 'yes' })),
      put('{not json'),
      put('{}'),
      put('[1,2]'),
    ]);

    expect(answers.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    const codes = await Promise.all(answers.map(async (r) => ((await r.json()) as { code: string }).code));
    expect(codes).toEqual([
      'UNKNOWN_PREFERENCE_KEY',
      'INVALID_PREFERENCE_VALUE',
      'INVALID_PREFERENCE_VALUE',
      'INVALID_JSON',
      'INVALID_REQUEST',
      'INVALID_REQUEST',
    ]);
    expect(await t.deps.queues[QUEUE.preferenceUpdate].count()).toBe(0);
  });

  it('refuses a home station that is no known station, as the chat does, and queues nothing', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900006' });

    const response = await call(`/api/v1/users/${user.id}/preferences`, {
      method: 'PUT',
      body: JSON.stringify({ home_station: 'ZZZ' }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'INVALID_PREFERENCE_VALUE',
      message: 'invalid value for preference home_station: must be the CRS code of a known station',
    });
    expect(await t.deps.queues[QUEUE.preferenceUpdate].count()).toBe(0);
  });

  it('answers 404 to a preference update for an unknown user', async () => {
    const response = await call(`/api/v1/users/${randomUUID()}/preferences`, {
      method: 'PUT',
      body: JSON.stringify({ notifications: true }),
    });

    expect(response.status).toBe(404);
    expect(await t.deps.queues[QUEUE.preferenceUpdate].count()).toBe(0);
  });

  it('lists parked events and retries one, which wakes the relay', async () => {
    const { id } = await appendEvent(t.deps.db, registeredEvent({ userId: randomUUID() }));
    await recordPublishFailure(t.deps.db, { id, error: 'HTTP 400', retryDelayMs: 0, park: true });

    const listed = await call('/api/v1/outbox/parked');
    const retried = await call(`/api/v1/outbox/${id}/retry`, { method: 'POST' });
    const again = await call(`/api/v1/outbox/${id}/retry`, { method: 'POST' });

    expect(await listed.json()).toEqual({
      events: [expect.objectContaining({ event_id: id, event_type: 'user.registered', last_error: 'HTTP 400' })],
    });
    expect(retried.status).toBe(202);
    expect(again.status).toBe(404);
    expect(await t.deps.queues[QUEUE.outboxRelay].count()).toBe(1);
    const { rows } = await t.deps.db.query(
      `select parked_at, attempts from whatsapp_handler.outbox_events where id = $1::uuid`,
      [id],
    );
    expect(rows[0]).toEqual({ parked_at: null, attempts: 0 });
  });

  it('serves an OpenAPI 3.1 document describing every path', async () => {
    const response = await call('/api/v1/openapi.json');

    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/events',
      '/api/v1/inbound-events/kept',
      '/api/v1/inbound-events/kept/{id}/replay',
      '/api/v1/journeys/{id}',
      '/api/v1/journeys/{id}/tickets/{n}',
      '/api/v1/outbox/parked',
      '/api/v1/outbox/{id}/retry',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/users/{id}/journeys',
      '/api/v1/users/{id}/preferences',
    ]);
    expect(Object.keys(document.components.schemas.Journey!.properties!)).toEqual([
      'id',
      'reference',
      'user_id',
      'origin_crs',
      'destination_crs',
      'departure_datetime',
      'arrival_datetime',
      'journey_type',
      'status',
      'amount_pence',
      'claim_reference',
      'ticket',
      'created_at',
    ]);
    expect(Object.keys(document.components.schemas.JourneyDetail!.properties!)).toContain('status_history');
    expect(Object.keys(document.components.schemas.Preferences!.properties!)).toEqual([
      'notifications',
      'opted_out',
      'quiet_hours',
      'home_station',
    ]);
  });
});

describe('journeys', () => {
  beforeEach(() => start({ INTERNAL_API_TOKEN: TOKEN }));

  const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]);
  const PDF = Buffer.from('%PDF-1.7\n');

  /** A verified passenger's journey, submitted as the chat submits it. */
  async function reportJourney(
    userId: string,
    correlationId: string,
    journey: Partial<CompleteJourney> = {},
    files: Array<{ contentType: string; bytes: Buffer }> = [],
  ): Promise<{ id: string; reference: string }> {
    const ticketFileIds: string[] = [];
    for (const file of files) ticketFileIds.push((await stageTicketFile(t.deps, { userId, ...file })).id);
    const { reference } = await submitJourney(t.deps, {
      userId,
      correlationId,
      journey: {
        date: '2026-07-14',
        originCrs: 'KGX',
        destinationCrs: 'EDB',
        departureDatetime: '2026-07-14T08:05:00+01:00',
        arrivalDatetime: '2026-07-14T12:29:00+01:00',
        journeyType: 'single',
        ticketFileIds,
        ...journey,
      },
    });
    const { rows } = await t.deps.db.query<{ id: string }>(
      `select id from whatsapp_handler.journeys where reference = $1::varchar`,
      [reference],
    );
    return { id: rows[0]!.id, reference };
  }

  it('answers a journey with exactly its journey.created fields, status, claim fields, ticket count, creation time and no history yet', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900011' });
    const { id, reference } = await reportJourney(user.id, 'SMyes-1', {}, [
      { contentType: 'image/jpeg', bytes: JPEG },
      { contentType: 'application/pdf', bytes: PDF },
    ]);
    const { rows } = await t.deps.db.query<{ created_at: Date }>(
      `select created_at from whatsapp_handler.journeys where id = $1::uuid`,
      [id],
    );

    const response = await call(`/api/v1/journeys/${id}`);

    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    expect(body).toEqual({
      id,
      reference,
      user_id: user.id,
      origin_crs: 'KGX',
      destination_crs: 'EDB',
      departure_datetime: '2026-07-14T08:05:00+01:00',
      arrival_datetime: '2026-07-14T12:29:00+01:00',
      journey_type: 'single',
      status: 'received',
      amount_pence: null,
      claim_reference: null,
      ticket: { media_count: 2 },
      created_at: rows[0]!.created_at.toISOString(),
      status_history: [],
    });
    expect(journeyDetailBody.safeParse(body).success).toBe(true);
  });

  it('after claim events are applied, shows the amount, claim reference and status history oldest first', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900017' });
    const { id } = await reportJourney(user.id, 'SMyes-8');
    const applyEvent = async (eventId: string, type: string, occurredAt: string, payload: Record<string, unknown>) =>
      handleInboundEvent(t.deps, {
        source: 'stream',
        envelopeJson: JSON.stringify({
          event_id: eventId,
          event_type: type,
          aggregate_type: 'claim',
          aggregate_id: id,
          occurred_at: occurredAt,
          payload: { journey_id: id, user_id: user.id, ...payload },
        }),
      });
    const outcomes = [
      await applyEvent('ev-eligible-1', 'evaluation.completed', '2026-07-15T09:00:00Z', {
        eligible: true,
        scheme: 'Delay Repay',
        compensation_pence: 1234,
        delay_minutes: 32,
      }),
      await applyEvent('ev-submitted-1', 'claim.submitted', '2026-07-16T10:00:00+01:00', {
        claim_reference: 'DR-0042',
        operator: 'LNER',
      }),
    ];

    const detail = await call(`/api/v1/journeys/${id}`);
    const list = await call(`/api/v1/users/${user.id}/journeys`);

    expect(outcomes).toEqual([{ outcome: 'applied' }, { outcome: 'applied' }]);
    expect(detail.status).toBe(200);
    const body: unknown = await detail.json();
    expect(journeyDetailBody.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({
      status: 'submitted',
      amount_pence: 1234,
      claim_reference: 'DR-0042',
      status_history: [
        {
          status: 'eligible',
          previous_status: 'received',
          event_id: 'ev-eligible-1',
          event_type: 'evaluation.completed',
          occurred_at: '2026-07-15T09:00:00.000Z',
          recorded_at: expect.stringMatching(/Z$/),
        },
        {
          status: 'submitted',
          previous_status: 'eligible',
          event_id: 'ev-submitted-1',
          event_type: 'claim.submitted',
          occurred_at: '2026-07-16T09:00:00.000Z',
          recorded_at: expect.stringMatching(/Z$/),
        },
      ],
    });
    const listed = (await list.json()) as { journeys: Array<Record<string, unknown>> };
    expect(journeysBody.safeParse(listed).success).toBe(true);
    expect(listed.journeys[0]).toMatchObject({
      id,
      status: 'submitted',
      amount_pence: 1234,
      claim_reference: 'DR-0042',
    });
    expect(listed.journeys[0]).not.toHaveProperty('status_history');
  });

  it("lists a user's journeys newest first, with winter times at +00:00, and none for a user without any", async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900012' });
    const other = await createUser(t.deps.db, { phoneNumber: '+447700900013' });
    const older = await reportJourney(user.id, 'SMyes-2');
    const newer = await reportJourney(user.id, 'SMyes-3', {
      date: '2026-11-15',
      originCrs: 'MAN',
      destinationCrs: 'LDS',
      departureDatetime: '2026-11-15T14:30:00+00:00',
      arrivalDatetime: '2026-11-15T15:25:00+00:00',
      journeyType: 'return',
    });

    const response = await call(`/api/v1/users/${user.id}/journeys`);
    const empty = await call(`/api/v1/users/${other.id}/journeys`);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { journeys: Array<Record<string, unknown>> };
    expect(journeysBody.safeParse(body).success).toBe(true);
    expect(body.journeys.map((journey) => journey.id)).toEqual([newer.id, older.id]);
    expect(body.journeys[0]).toMatchObject({
      reference: newer.reference,
      departure_datetime: '2026-11-15T14:30:00+00:00',
      arrival_datetime: '2026-11-15T15:25:00+00:00',
      journey_type: 'return',
      ticket: { media_count: 0 },
    });
    expect(await empty.json()).toEqual({ journeys: [] });
  });

  it('answers 400 for ids that are not UUIDs and 404 for an unknown user or journey', async () => {
    const answers = await Promise.all([
      call('/api/v1/users/not-a-uuid/journeys'),
      call(`/api/v1/users/${randomUUID()}/journeys`),
      call('/api/v1/journeys/not-a-uuid'),
      call(`/api/v1/journeys/${randomUUID()}`),
    ]);

    expect(answers.map((r) => r.status)).toEqual([400, 404, 400, 404]);
    const codes = await Promise.all(answers.map(async (r) => ((await r.json()) as { code: string }).code));
    expect(codes).toEqual(['INVALID_USER_ID', 'USER_NOT_FOUND', 'INVALID_JOURNEY_ID', 'JOURNEY_NOT_FOUND']);
  });

  it('serves the n-th ticket file as stored, inline, unsniffed and uncached', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900014' });
    const { id } = await reportJourney(user.id, 'SMyes-4', {}, [
      { contentType: 'image/jpeg', bytes: JPEG },
      { contentType: 'application/pdf', bytes: PDF },
    ]);

    const first = await call(`/api/v1/journeys/${id}/tickets/1`);
    const second = await call(`/api/v1/journeys/${id}/tickets/2`);

    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    expect(first.headers.get('content-length')).toBe(String(JPEG.length));
    expect(first.headers.get('content-disposition')).toBe('inline');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await first.arrayBuffer())).toEqual(JPEG);
    expect(second.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await second.arrayBuffer())).toEqual(PDF);
  });

  it('answers a JSON 404 for a ticket beyond the last or of an unknown journey, and 400 for a bad id or number', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900015' });
    const { id } = await reportJourney(user.id, 'SMyes-5', {}, [{ contentType: 'image/jpeg', bytes: JPEG }]);
    const none = await reportJourney(user.id, 'SMyes-6');

    const answers = await Promise.all([
      call(`/api/v1/journeys/${id}/tickets/2`),
      call(`/api/v1/journeys/${none.id}/tickets/1`),
      call(`/api/v1/journeys/${randomUUID()}/tickets/1`),
      call(`/api/v1/journeys/not-a-uuid/tickets/1`),
      call(`/api/v1/journeys/${id}/tickets/0`),
      call(`/api/v1/journeys/${id}/tickets/-1`),
      call(`/api/v1/journeys/${id}/tickets/1.5`),
      call(`/api/v1/journeys/${id}/tickets/one`),
      call(`/api/v1/journeys/${id}/tickets/99999999999`),
    ]);

    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 400, 400, 400, 400, 400, 400]);
    expect(answers.every((r) => r.headers.get('content-type')?.startsWith('application/json'))).toBe(true);
    const codes = await Promise.all(answers.map(async (r) => ((await r.json()) as { code: string }).code));
    expect(codes).toEqual([
      'TICKET_NOT_FOUND',
      'TICKET_NOT_FOUND',
      'JOURNEY_NOT_FOUND',
      'INVALID_JOURNEY_ID',
      'INVALID_TICKET_NUMBER',
      'INVALID_TICKET_NUMBER',
      'INVALID_TICKET_NUMBER',
      'INVALID_TICKET_NUMBER',
      'INVALID_TICKET_NUMBER',
    ]);
  });

  it('answers 401 to every journey path without the token', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900016' });
    const { id } = await reportJourney(user.id, 'SMyes-7', {}, [{ contentType: 'image/jpeg', bytes: JPEG }]);

    const answers = await Promise.all([
      call(`/api/v1/users/${user.id}/journeys`, { token: null }),
      call(`/api/v1/journeys/${id}`, { token: null }),
      call(`/api/v1/journeys/${id}/tickets/1`, { token: `${TOKEN}x` }),
    ]);

    expect(answers.map((r) => r.status)).toEqual([401, 401, 401]);
  });
});

describe('with no token configured', () => {
  beforeEach(() => start({}));

  it('the API does not exist: every path answers 404, even with a token', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900006' });

    const responses = await Promise.all([
      call(`/api/v1/users/${user.id}`),
      call('/api/v1/openapi.json', { token: null }),
    ]);

    expect(responses.map((r) => r.status)).toEqual([404, 404]);
  });
});

describe('mounted in the web app', () => {
  beforeEach(() => start({ INTERNAL_API_TOKEN: TOKEN }));

  it('answers through makeApp as it does alone', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900007' });
    const app = makeApp(t.deps).listen(0, '127.0.0.1');
    await new Promise((resolve) => app.once('listening', resolve));
    const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      const authorised = await fetch(`${url}/api/v1/users/${user.id}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const anonymous = await fetch(`${url}/api/v1/users/${user.id}`);

      expect(authorised.status).toBe(200);
      expect(((await authorised.json()) as { id: string }).id).toBe(user.id);
      expect(anonymous.status).toBe(401);
    } finally {
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
    }
  });
});
