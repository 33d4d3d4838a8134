import { randomUUID } from 'node:crypto';
import { makeLogger } from '../../src/logger';
import { runRetention } from '../../src/outbox/retention';
import { insertJourney } from '../../src/repos/journeys';
import {
  attachTicketFiles,
  discardTicketFiles,
  purgeStaleTicketFiles,
  storeTicketFile,
  ticketFile,
} from '../../src/repos/ticket-files';
import { createUser } from '../../src/repos/users';
import { MAX_TICKET_BYTES } from '../../src/tickets/ticket-type';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => (db = await createTestDatabase()));
afterAll(() => db.drop());

let phone = 0;
async function newUserId(): Promise<string> {
  return (await createUser(db.pool, { phoneNumber: `+4477009003${String(phone++).padStart(2, '0')}` })).id;
}

async function newJourneyId(userId: string): Promise<string> {
  const journey = await insertJourney(db.pool, {
    userId,
    correlationId: randomUUID(),
    travelDate: '2026-11-15',
    originCrs: 'KGX',
    destinationCrs: 'EDB',
    departureDatetime: '2026-11-15T14:30:00+00:00',
    arrivalDatetime: '2026-11-15T19:02:00+00:00',
    journeyType: 'return',
  });
  return journey.id;
}

const jpeg = (marker: number) => Buffer.from([0xff, 0xd8, 0xff, marker]);

async function store(userId: string, bytes = jpeg(1), contentType = 'image/jpeg'): Promise<string> {
  return (await storeTicketFile(db.pool, { userId, contentType, bytes })).id;
}

async function row(id: string) {
  const { rows } = await db.pool.query(
    `select user_id, journey_id, position, content_type, byte_size, twilio_media_sid
       from whatsapp_handler.journey_ticket_files where id = $1::uuid`,
    [id],
  );
  return rows[0];
}

/** Makes a file as old as `hours`, by the database's clock (the one the purge compares with). */
async function age(id: string, hours: number): Promise<void> {
  await db.pool.query(
    `update whatsapp_handler.journey_ticket_files set created_at = now() - make_interval(hours => $2::int)
      where id = $1::uuid`,
    [id, hours],
  );
}

test('a stored file is staged: no journey, no position, its size and Twilio media SID recorded', async () => {
  const userId = await newUserId();

  const { id } = await storeTicketFile(db.pool, {
    userId,
    contentType: 'image/webp',
    bytes: Buffer.alloc(1234, 7),
    twilioMediaSid: 'ME0123',
  });

  expect(await row(id)).toEqual({
    user_id: userId,
    journey_id: null,
    position: null,
    content_type: 'image/webp',
    byte_size: 1234,
    twilio_media_sid: 'ME0123',
  });
});

test('a file of another type, empty or over 10 MB is refused before it reaches the database', async () => {
  const userId = await newUserId();
  const attempt = (contentType: string, bytes: Buffer) => storeTicketFile(db.pool, { userId, contentType, bytes });

  await expect(attempt('image/gif', jpeg(1))).rejects.toThrow(RangeError);
  await expect(attempt('image/jpeg', Buffer.alloc(0))).rejects.toThrow(RangeError);
  await expect(attempt('application/pdf', Buffer.alloc(MAX_TICKET_BYTES + 1))).rejects.toThrow(RangeError);
  await expect(attempt('application/pdf', Buffer.alloc(MAX_TICKET_BYTES))).resolves.toEqual({
    id: expect.any(String),
  });
});

test('attaching numbers the files in the order given, and the n-th file comes back with its bytes and type', async () => {
  const userId = await newUserId();
  const journeyId = await newJourneyId(userId);
  const first = await store(userId, jpeg(1));
  const second = await store(userId, Buffer.from('%PDF-1.7'), 'application/pdf');

  const count = await attachTicketFiles(db.pool, { journeyId, userId, ids: [second, first, second] });

  expect(count).toBe(2);
  expect(await ticketFile(db.pool, journeyId, 1)).toEqual({
    contentType: 'application/pdf',
    bytes: Buffer.from('%PDF-1.7'),
  });
  expect(await ticketFile(db.pool, journeyId, 2)).toEqual({ contentType: 'image/jpeg', bytes: jpeg(1) });
  expect(await ticketFile(db.pool, journeyId, 3)).toBeUndefined();
  expect(await ticketFile(db.pool, journeyId, 0)).toBeUndefined();
});

test("only the user's own staged files are attached: another user's, attached or unknown ids are skipped", async () => {
  const [userId, other] = [await newUserId(), await newUserId()];
  const [journeyId, earlierJourney] = [await newJourneyId(userId), await newJourneyId(userId)];
  const mine = await store(userId);
  const theirs = await store(other);
  const alreadyAttached = await store(userId);
  await attachTicketFiles(db.pool, { journeyId: earlierJourney, userId, ids: [alreadyAttached] });

  const count = await attachTicketFiles(db.pool, {
    journeyId,
    userId,
    ids: [theirs, alreadyAttached, randomUUID(), mine],
  });

  expect(count).toBe(1);
  expect(await row(mine)).toMatchObject({ journey_id: journeyId, position: 1 });
  expect(await row(theirs)).toMatchObject({ journey_id: null });
  expect(await row(alreadyAttached)).toMatchObject({ journey_id: earlierJourney, position: 1 });
});

test('attaching more files to a journey numbers them after the ones it has', async () => {
  const userId = await newUserId();
  const journeyId = await newJourneyId(userId);
  const [a, b] = [await store(userId), await store(userId)];

  await attachTicketFiles(db.pool, { journeyId, userId, ids: [a] });
  await attachTicketFiles(db.pool, { journeyId, userId, ids: [b] });

  expect(await row(b)).toMatchObject({ position: 2 });
  expect(await attachTicketFiles(db.pool, { journeyId, userId, ids: [] })).toBe(0);
});

test("discarding deletes the user's staged files only", async () => {
  const [userId, other] = [await newUserId(), await newUserId()];
  const journeyId = await newJourneyId(userId);
  const [staged, attached, theirs] = [await store(userId), await store(userId), await store(other)];
  await attachTicketFiles(db.pool, { journeyId, userId, ids: [attached] });

  const count = await discardTicketFiles(db.pool, userId, [staged, attached, theirs]);

  expect(count).toBe(1);
  expect(await row(staged)).toBeUndefined();
  expect(await row(attached)).toBeDefined();
  expect(await row(theirs)).toBeDefined();
  expect(await discardTicketFiles(db.pool, userId, [])).toBe(0);
});

describe('stale uploads', () => {
  beforeEach(() => db.pool.query(`delete from whatsapp_handler.journey_ticket_files`));

  test('the purge deletes staged files older than the cut-off, oldest first in batches; attached ones stay', async () => {
    const userId = await newUserId();
    const journeyId = await newJourneyId(userId);
    const [oldest, old, recent, attached] = [
      await store(userId),
      await store(userId),
      await store(userId),
      await store(userId),
    ];
    await age(oldest, 30);
    await age(old, 25);
    await age(recent, 23);
    await attachTicketFiles(db.pool, { journeyId, userId, ids: [attached] });
    await age(attached, 48);

    const firstBatch = await purgeStaleTicketFiles(db.pool, 24, 1);
    const survivorsOfFirst = [await row(oldest), await row(old)];
    const rest = await purgeStaleTicketFiles(db.pool, 24, 10);

    expect(firstBatch).toBe(1);
    expect(survivorsOfFirst).toEqual([undefined, expect.anything()]);
    expect(rest).toBe(1);
    expect(await row(old)).toBeUndefined();
    expect(await row(recent)).toBeDefined();
    expect(await row(attached)).toBeDefined();
  });

  test('the scheduled retention run deletes uploads nobody attached for a day, in batches', async () => {
    const userId = await newUserId();
    const stale = [await store(userId), await store(userId), await store(userId)];
    for (const id of stale) await age(id, 25);
    const fresh = await store(userId);

    const result = await runRetention(
      { db: db.pool, logger: makeLogger('silent'), retentionDays: 7 },
      { ticketBatchSize: 2 },
    );

    expect(result).toMatchObject({ staleTicketFiles: 3, more: false });
    for (const id of stale) expect(await row(id)).toBeUndefined();
    expect(await row(fresh)).toBeDefined();
  });

  test('a retention run out of time says more is left when stale uploads remain', async () => {
    const userId = await newUserId();
    for (let i = 0; i < 3; i++) await age(await store(userId), 25);

    const cut = await runRetention(
      { db: db.pool, logger: makeLogger('silent'), retentionDays: 7 },
      { ticketBatchSize: 2, timeBudgetMs: 0 },
    );

    expect(cut).toMatchObject({ staleTicketFiles: 2, more: true });
  });
});
