// The internal API's kept inbound events: listing those not yet replayed, and replaying one as
// stored or with a corrected envelope. Real Postgres and BullMQ queues; no workers run.
import { seedJourney } from '../support/journeys';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { makeInternalApiRouter } from '../../src/http/routes/internal-api';
import { keptEventsBody } from '../../src/http/routes/internal-api-schemas';
import { findKeptEvent, keepEvent } from '../../src/repos/inbound-events';
import { listJourneyStatusHistory } from '../../src/repos/journeys';
import { createUser } from '../../src/repos/users';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';

const TOKEN = 'internal-api-token-for-tests-0123';
let t: TestDeps;
let server: Server;
let base: string;

beforeEach(async () => {
  t = await makeTestDeps(makeFakeTwilio(), { env: { INTERNAL_API_TOKEN: TOKEN } });
  const app = express();
  app.use(makeInternalApiRouter(t.deps));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

function call(path: string, init: RequestInit & { token?: string | null } = {}) {
  const { token = TOKEN, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  if (rest.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return fetch(`${base}${path}`, { ...rest, headers });
}

const replay = (id: string, body?: unknown) =>
  call(`/api/v1/inbound-events/kept/${id}/replay`, {
    method: 'POST',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

const listedIds = async () =>
  ((await (await call('/api/v1/inbound-events/kept')).json()) as { kept: Array<{ id: string }> }).kept.map(
    (kept) => kept.id,
  );

let numbers = 0;

/** A passenger with one journey still at received. */
async function passengerWithJourney() {
  const user = await createUser(t.deps.db, { phoneNumber: `+4477009${String(60_000 + numbers++).padStart(5, '0')}` });
  const journey = await seedJourney(t.deps.db, user.id);
  return { userId: user.id, journeyId: journey.id };
}

function envelope(eventType: string, payload: Record<string, unknown>, eventId: string = randomUUID()) {
  return {
    event_id: eventId,
    event_type: eventType,
    aggregate_type: 'claim',
    aggregate_id: String(payload.journey_id ?? randomUUID()),
    occurred_at: '2026-07-14T10:00:00Z',
    correlation_id: null,
    payload,
  };
}

/** Kept as the stream consumer keeps an entry whose payload misses a field. */
const keepMalformed = (eventId: string = randomUUID()) =>
  keepEvent(t.deps.db, {
    source: 'stream',
    streamEntryId: '1752487200000-0',
    eventId,
    eventType: 'evaluation.completed',
    reason: 'payload.journey_id: Invalid UUID',
    raw: JSON.stringify(envelope('evaluation.completed', { journey_id: 'not-a-uuid' }, eventId)),
  });

describe('listing kept events', () => {
  it('lists the kept events not yet replayed, oldest first, with the text as received', async () => {
    const first = await keepMalformed();
    const second = await keepEvent(t.deps.db, { source: 'http', reason: 'envelope is not JSON', raw: '{not json' });

    const response = await call('/api/v1/inbound-events/kept');

    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    expect(keptEventsBody.safeParse(body).success).toBe(true);
    expect(body).toEqual({
      kept: [
        {
          id: first.id,
          source: 'stream',
          stream_entry_id: '1752487200000-0',
          event_id: first.eventId,
          event_type: 'evaluation.completed',
          reason: 'payload.journey_id: Invalid UUID',
          kept_at: first.keptAt.toISOString(),
          raw: first.raw,
        },
        {
          id: second.id,
          source: 'http',
          stream_entry_id: null,
          event_id: null,
          event_type: null,
          reason: 'envelope is not JSON',
          kept_at: second.keptAt.toISOString(),
          raw: '{not json',
        },
      ],
    });
  });

  it('answers at most limit events, and 400 for a limit that is not a whole number from 1 to 500', async () => {
    const first = await keepMalformed();
    await keepMalformed();

    const limited = await call('/api/v1/inbound-events/kept?limit=1');
    const refused = await Promise.all(
      ['0', '501', '1.5', 'ten', '', '1&limit=2'].map((limit) => call(`/api/v1/inbound-events/kept?limit=${limit}`)),
    );

    expect(((await limited.json()) as { kept: Array<{ id: string }> }).kept.map((kept) => kept.id)).toEqual([first.id]);
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(((await refused[0]!.json()) as { code: string }).code).toBe('INVALID_LIMIT');
  });
});

describe('replaying a kept event', () => {
  it('with a corrected envelope for a real journey applies it, marks the kept event replayed and stops listing it', async () => {
    const { userId, journeyId } = await passengerWithJourney();
    const kept = await keepMalformed();
    const corrected = envelope(
      'evaluation.completed',
      {
        journey_id: journeyId,
        user_id: userId,
        eligible: true,
        scheme: 'Delay Repay',
        compensation_pence: 1234,
        delay_minutes: 32,
      },
      kept.eventId!,
    );

    const response = await replay(kept.id, corrected);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'applied' });
    const history = await listJourneyStatusHistory(t.deps.db, journeyId);
    expect(history).toEqual([
      expect.objectContaining({ status: 'eligible', previousStatus: 'received', eventId: kept.eventId }),
    ]);
    expect((await findKeptEvent(t.deps.db, kept.id))?.replayedAt).toBeInstanceOf(Date);
    expect(await listedIds()).toEqual([]);
  });

  it('as stored, when the text still cannot be handled, answers 422 with the reason and keeps it listed', async () => {
    const kept = await keepMalformed();

    const response = await replay(kept.id);

    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ outcome: 'kept', reason: expect.stringContaining('journey_id') });
    expect((await findKeptEvent(t.deps.db, kept.id))?.replayedAt).toBeNull();
    expect(await listedIds()).toEqual([kept.id]);
  });

  it('as stored, when the text can now be handled, answers 200 with the outcome', async () => {
    // Kept for a reason that no longer holds; the user it names is gone, which is handled.
    const stored = envelope('claim.rejected', { journey_id: randomUUID(), user_id: randomUUID(), reason: 'late' });
    const kept = await keepEvent(t.deps.db, {
      source: 'stream',
      eventId: stored.event_id,
      eventType: 'claim.rejected',
      reason: 'unknown journey',
      raw: JSON.stringify(stored),
    });

    const response = await replay(kept.id);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'user-deleted' });
    expect(await listedIds()).toEqual([]);
  });

  it('with a corrected envelope that is still not valid answers 422 and the kept event stays open', async () => {
    const kept = await keepMalformed();

    const response = await replay(kept.id, { event_id: kept.eventId, event_type: 'evaluation.completed' });

    expect(response.status).toBe(422);
    expect(((await response.json()) as { outcome: string }).outcome).toBe('kept');
    expect(await listedIds()).toEqual([kept.id]);
  });

  it('takes a corrected envelope over the rest of the API body limit, up to 64 KiB', async () => {
    const { userId, journeyId } = await passengerWithJourney();
    const kept = await keepMalformed();
    const corrected = {
      ...envelope('claim.rejected', { journey_id: journeyId, user_id: userId, reason: 'no delay recorded' }),
      // Unknown envelope fields are ignored; this one only makes the body bigger than 16 KB.
      note: 'x'.repeat(40_000),
    };

    const accepted = await replay(kept.id, corrected);
    const tooLarge = await replay((await keepMalformed()).id, { ...corrected, note: 'x'.repeat(70_000) });

    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ outcome: 'applied' });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { code: string }).code).toBe('BODY_TOO_LARGE');
  });

  it('answers 400 for a body that is not JSON, 415 for one not sent as JSON, and replays nothing', async () => {
    const kept = await keepMalformed();
    const path = `/api/v1/inbound-events/kept/${kept.id}/replay`;

    const notJson = await call(path, { method: 'POST', body: '{not json' });
    const notDeclared = await call(path, { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } });

    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { code: string }).code).toBe('INVALID_JSON');
    expect(notDeclared.status).toBe(415);
    expect(((await notDeclared.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await listedIds()).toEqual([kept.id]);
  });

  it('answers 404 for an unknown id and 400 for an id that is not a UUID', async () => {
    const unknown = await replay(randomUUID());
    const malformed = await replay('not-a-uuid');

    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('KEPT_EVENT_NOT_FOUND');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('INVALID_KEPT_EVENT_ID');
  });

  it('answers 409 to a second replay of the same kept event, which changes nothing more', async () => {
    const { userId, journeyId } = await passengerWithJourney();
    const kept = await keepMalformed();
    const corrected = envelope(
      'claim.submitted',
      { journey_id: journeyId, user_id: userId, claim_reference: 'DR-0042', operator: 'LNER' },
      kept.eventId!,
    );

    const first = await replay(kept.id, corrected);
    const second = await replay(kept.id, corrected);

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(((await second.json()) as { code: string }).code).toBe('KEPT_EVENT_ALREADY_REPLAYED');
    expect(await listJourneyStatusHistory(t.deps.db, journeyId)).toHaveLength(1);
  });
});

it('answers 401 to both paths without the token, and replays nothing', async () => {
  const kept = await keepMalformed();

  const answers = await Promise.all([
    call('/api/v1/inbound-events/kept', { token: null }),
    call(`/api/v1/inbound-events/kept/${kept.id}/replay`, { method: 'POST', token: null }),
    call(`/api/v1/inbound-events/kept/${kept.id}/replay`, { method: 'POST', token: `${TOKEN}x`, body: '{}' }),
  ]);

  expect(answers.map((r) => r.status)).toEqual([401, 401, 401]);
  expect(await listedIds()).toEqual([kept.id]);
});
