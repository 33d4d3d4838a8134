import type { Pool, PoolClient } from 'pg';
import { deleteUserData, registerUser } from '../../src/conversation-runtime/account-effects';
import {
  discardTickets,
  JourneyOwnerNotFoundError,
  listRecentJourneys,
  stageTicketFile,
  submitJourney,
} from '../../src/conversation-runtime/journey-effects';
import type { CompleteJourney } from '../../src/conversation/journey-types';
import { EVENT_CATALOG } from '../../src/events';
import { QUEUE } from '../../src/jobs/queues';
import { makeLogger } from '../../src/logger';
import { runRetention } from '../../src/outbox/retention';
import { deleteUser } from '../../src/repos/users';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';

const PHONE = '+447700900321';
const YES = `SM${'a'.repeat(32)}`;

let t: TestDeps;
let userId: string;
beforeEach(async () => {
  t = await makeTestDeps(makeFakeTwilio());
  userId = (await registerUser(t.deps, PHONE, `SM${'0'.repeat(32)}`)).id;
  // registerUser woke the relay; start each test with no relay job waiting.
  await t.deps.queues[QUEUE.outboxRelay].obliterate({ force: true });
});
afterEach(() => t.close());

function journeyWith(ticketFileIds: string[], change: Partial<CompleteJourney> = {}): CompleteJourney {
  return {
    date: '2026-07-14',
    originCrs: 'KGX',
    destinationCrs: 'EDB',
    departureDatetime: '2026-07-14T08:05:00+01:00',
    arrivalDatetime: '2026-07-14T12:29:00+01:00',
    journeyType: 'single',
    ticketFileIds,
    ...change,
  };
}

function stage(bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0]), contentType = 'image/jpeg') {
  return stageTicketFile(t.deps, { userId, contentType, bytes, twilioMediaSid: `ME${'1'.repeat(32)}` }).then(
    (file) => file.id,
  );
}

async function journeyEvents() {
  const { rows } = await t.deps.db.query<{
    aggregate_id: string;
    payload: Record<string, unknown>;
    correlation_id: string;
  }>(
    `select aggregate_id, payload, correlation_id from whatsapp_handler.outbox_events
      where event_type = 'journey.created' order by seq`,
  );
  return rows;
}

async function count(table: 'journeys' | 'journey_ticket_files'): Promise<number> {
  const { rows } = await t.deps.db.query<{ n: number }>(`select count(*)::int as n from whatsapp_handler.${table}`);
  return rows[0]!.n;
}

async function ticketRows() {
  const { rows } = await t.deps.db.query<{ id: string; journey_id: string | null; position: number | null }>(
    `select id, journey_id, position from whatsapp_handler.journey_ticket_files order by position nulls last, id`,
  );
  return rows;
}

const relayJobs = () => t.deps.queues[QUEUE.outboxRelay].count();

test('submitting commits the journey, attaches its tickets in order and emits journey.created, then wakes the relay', async () => {
  const photo = await stage();
  const pdf = await stage(Buffer.from('%PDF-1.7'), 'application/pdf');

  const result = await submitJourney(t.deps, { userId, correlationId: YES, journey: journeyWith([pdf, photo]) });

  expect(result).toEqual({ reference: expect.stringMatching(/^RR-[0-9A-HJKMNP-TV-Z]{6}$/), created: true });
  const { rows } = await t.deps.db.query<{ id: string; reference: string; status: string }>(
    `select id, reference, status from whatsapp_handler.journeys`,
  );
  expect(rows).toEqual([{ id: expect.any(String), reference: result.reference, status: 'received' }]);
  const journeyId = rows[0]!.id;
  expect(await ticketRows()).toEqual([
    { id: pdf, journey_id: journeyId, position: 1 },
    { id: photo, journey_id: journeyId, position: 2 },
  ]);
  const events = await journeyEvents();
  expect(events).toEqual([
    {
      aggregate_id: journeyId,
      correlation_id: YES,
      payload: {
        journey_id: journeyId,
        user_id: userId,
        reference: result.reference,
        origin_crs: 'KGX',
        destination_crs: 'EDB',
        departure_datetime: '2026-07-14T08:05:00+01:00',
        arrival_datetime: '2026-07-14T12:29:00+01:00',
        journey_type: 'single',
        ticket: { media_count: 2 },
        reported_via: 'whatsapp',
      },
    },
  ]);
  expect(EVENT_CATALOG['journey.created'].payload.safeParse(events[0]!.payload).success).toBe(true);
  expect(await relayJobs()).toBe(1);
});

test('a journey with no ticket counts none, and a winter journey arriving after midnight carries +00:00 times', async () => {
  await submitJourney(t.deps, {
    userId,
    correlationId: YES,
    journey: journeyWith([], {
      date: '2026-11-15',
      departureDatetime: '2026-11-15T23:40:00+00:00',
      arrivalDatetime: '2026-11-16T00:35:00+00:00',
      journeyType: 'return',
    }),
  });

  const [event] = await journeyEvents();
  expect(event!.payload).toMatchObject({
    departure_datetime: '2026-11-15T23:40:00+00:00',
    arrival_datetime: '2026-11-16T00:35:00+00:00',
    journey_type: 'return',
    ticket: { media_count: 0 },
  });
  expect(EVENT_CATALOG['journey.created'].payload.safeParse(event!.payload).success).toBe(true);
});

test('submitting the same YES twice creates one journey and one event, and the second wakes nothing', async () => {
  const photo = await stage();
  const input = { userId, correlationId: YES, journey: journeyWith([photo]) };

  const first = await submitJourney(t.deps, input);
  await t.deps.queues[QUEUE.outboxRelay].obliterate({ force: true });
  const second = await submitJourney(t.deps, input);

  expect(second).toEqual({ reference: first.reference, created: false });
  expect(await count('journeys')).toBe(1);
  expect(await journeyEvents()).toHaveLength(1);
  expect(await ticketRows()).toEqual([{ id: photo, journey_id: expect.any(String), position: 1 }]);
  expect(await relayJobs()).toBe(0);
});

test('the same YES submitted concurrently still creates one journey and one event', async () => {
  const photo = await stage();
  const input = { userId, correlationId: YES, journey: journeyWith([photo]) };

  const results = await Promise.all([
    submitJourney(t.deps, input),
    submitJourney(t.deps, input),
    submitJourney(t.deps, input),
  ]);

  expect(new Set(results.map((result) => result.reference)).size).toBe(1);
  expect(results.filter((result) => result.created)).toHaveLength(1);
  expect(await count('journeys')).toBe(1);
  expect((await journeyEvents()).map((event) => event.payload.ticket)).toEqual([{ media_count: 1 }]);
});

test('two different YES messages make two journeys with different references', async () => {
  const first = await submitJourney(t.deps, { userId, correlationId: YES, journey: journeyWith([]) });
  const second = await submitJourney(t.deps, { userId, correlationId: `${YES}2`, journey: journeyWith([]) });

  expect(second.created).toBe(true);
  expect(second.reference).not.toBe(first.reference);
  expect(await journeyEvents()).toHaveLength(2);
});

test('a crash after storing a ticket and before submitting leaves no journey, and the stale purge removes the file later', async () => {
  // The turn that stored the ticket finished; the process died before the passenger's YES was handled.
  const photo = await stage();

  expect(await count('journeys')).toBe(0);
  expect(await ticketRows()).toEqual([{ id: photo, journey_id: null, position: null }]);

  const retention = { db: t.deps.db, logger: makeLogger('silent'), retentionDays: 7 };
  expect((await runRetention(retention)).staleTicketFiles).toBe(0);
  await t.deps.db.query(`update whatsapp_handler.journey_ticket_files set created_at = now() - interval '25 hours'`);
  expect((await runRetention(retention)).staleTicketFiles).toBe(1);
  expect(await count('journey_ticket_files')).toBe(0);
});

test('a submit that dies inside its transaction keeps nothing, leaves the ticket staged, and a retry succeeds', async () => {
  const photo = await stage();
  // The connection fails at the outbox insert, after the journey and its tickets were written.
  const failingPool = {
    connect: async () => {
      const client = await t.deps.db.connect();
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      return new Proxy(client, {
        get(target, property, receiver) {
          if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
          return (text: unknown, ...rest: unknown[]) =>
            typeof text === 'string' && text.includes('insert into whatsapp_handler.outbox_events')
              ? Promise.reject(new Error('Connection terminated unexpectedly'))
              : query(text, ...rest);
        },
      }) as PoolClient;
    },
  } as unknown as Pool;
  const input = { userId, correlationId: YES, journey: journeyWith([photo]) };

  await expect(submitJourney({ ...t.deps, db: failingPool }, input)).rejects.toThrow(/Connection terminated/);

  expect(await count('journeys')).toBe(0);
  expect(await journeyEvents()).toEqual([]);
  expect(await ticketRows()).toEqual([{ id: photo, journey_id: null, position: null }]);

  const retried = await submitJourney(t.deps, input);
  expect(retried.created).toBe(true);
  expect((await journeyEvents()).map((event) => event.payload.ticket)).toEqual([{ media_count: 1 }]);
});

test('submitting for a user who no longer exists stores nothing', async () => {
  const photo = await stage();
  await deleteUser(t.deps.db, userId);

  await expect(
    submitJourney(t.deps, { userId, correlationId: YES, journey: journeyWith([photo]) }),
  ).rejects.toBeInstanceOf(JourneyOwnerNotFoundError);
  expect(await count('journeys')).toBe(0);
});

test('the recent list has the last five journeys, newest first, with their date, route and status', async () => {
  for (let day = 1; day <= 6; day++) {
    const date = `2026-07-0${day}`;
    await submitJourney(t.deps, {
      userId,
      correlationId: `${YES}-${day}`,
      journey: journeyWith([], {
        date,
        departureDatetime: `${date}T08:05:00+01:00`,
        arrivalDatetime: `${date}T09:00:00+01:00`,
      }),
    });
  }

  const recent = await listRecentJourneys(t.deps, userId);

  expect(recent.map((journey) => journey.date)).toEqual([
    '2026-07-06',
    '2026-07-05',
    '2026-07-04',
    '2026-07-03',
    '2026-07-02',
  ]);
  expect(recent[0]).toEqual({
    reference: expect.stringMatching(/^RR-/),
    date: '2026-07-06',
    originCrs: 'KGX',
    destinationCrs: 'EDB',
    status: 'received',
    amountPence: null,
  });
  expect(await listRecentJourneys(t.deps, '00000000-0000-4000-8000-000000000000')).toEqual([]);
});

test('discarding a cancelled report deletes its staged tickets and never an attached one', async () => {
  const attached = await stage();
  await submitJourney(t.deps, { userId, correlationId: YES, journey: journeyWith([attached]) });
  const cancelled = [await stage(), await stage()];

  expect(await discardTickets(t.deps, userId, [...cancelled, attached])).toBe(2);

  expect((await ticketRows()).map((row) => row.id)).toEqual([attached]);
});

test('deleting the user removes their journeys and every ticket file, attached or staged', async () => {
  const attached = await stage();
  await submitJourney(t.deps, { userId, correlationId: YES, journey: journeyWith([attached]) });
  await stage();

  expect(await deleteUserData(t.deps, PHONE, `SM${'d'.repeat(32)}`)).toBe(true);

  expect(await count('journeys')).toBe(0);
  expect(await count('journey_ticket_files')).toBe(0);
});
