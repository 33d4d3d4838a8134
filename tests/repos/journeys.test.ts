import { randomUUID } from 'node:crypto';
import { withTransaction } from '../../src/db/transaction';
import { JOURNEY_REFERENCE_PATTERN } from '../../src/events';
import {
  findJourney,
  insertJourney,
  listJourneys,
  newJourneyReference,
  type NewJourney,
} from '../../src/repos/journeys';
import { attachTicketFiles, storeTicketFile } from '../../src/repos/ticket-files';
import { createUser } from '../../src/repos/users';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => (db = await createTestDatabase()));
afterAll(() => db.drop());

let phone = 0;
async function newUserId(): Promise<string> {
  return (await createUser(db.pool, { phoneNumber: `+4477009002${String(phone++).padStart(2, '0')}` })).id;
}

function journeyOf(userId: string, change: Partial<NewJourney> = {}): NewJourney {
  return {
    userId,
    correlationId: `SM${randomUUID().replace(/-/g, '')}`,
    travelDate: '2026-07-14',
    originCrs: 'KGX',
    destinationCrs: 'EDB',
    departureDatetime: '2026-07-14T08:05:00+01:00',
    arrivalDatetime: '2026-07-14T12:29:00+01:00',
    journeyType: 'single',
    ...change,
  };
}

test('a new journey is stored as received with a fresh reference and comes back in camelCase', async () => {
  const userId = await newUserId();

  const journey = await insertJourney(db.pool, journeyOf(userId, { correlationId: 'SMyes1' }));

  expect(journey).toEqual({
    id: expect.any(String),
    reference: expect.stringMatching(JOURNEY_REFERENCE_PATTERN),
    userId,
    correlationId: 'SMyes1',
    originCrs: 'KGX',
    destinationCrs: 'EDB',
    travelDate: '2026-07-14',
    departureDatetime: new Date('2026-07-14T07:05:00Z'),
    arrivalDatetime: new Date('2026-07-14T11:29:00Z'),
    journeyType: 'single',
    status: 'received',
    amountPence: null,
    claimReference: null,
    createdAt: expect.any(Date),
    updatedAt: expect.any(Date),
    created: true,
  });
});

test('inserting again under the same correlation id returns the first journey, not a second one', async () => {
  const userId = await newUserId();
  const first = await insertJourney(db.pool, journeyOf(userId, { correlationId: 'SMsame' }));

  const again = await insertJourney(db.pool, journeyOf(userId, { correlationId: 'SMsame', originCrs: 'MAN' }));

  expect(again).toEqual({ ...first, created: false });
  expect(await listJourneys(db.pool, userId, 10)).toHaveLength(1);
});

test('the same correlation id from two users makes two journeys', async () => {
  const [a, b] = [await newUserId(), await newUserId()];

  const first = await insertJourney(db.pool, journeyOf(a, { correlationId: 'SMshared' }));
  const second = await insertJourney(db.pool, journeyOf(b, { correlationId: 'SMshared' }));

  expect(second.created).toBe(true);
  expect(second.id).not.toBe(first.id);
});

test('a reference that is taken is drawn again, inside a transaction that carries on', async () => {
  const userId = await newUserId();
  const taken = await insertJourney(db.pool, journeyOf(userId));
  const draws = [taken.reference, 'RR-FRESH0'];

  const journey = await withTransaction(db.pool, async (client) => {
    const inserted = await insertJourney(client, journeyOf(userId), () => draws.shift()!);
    // The conflict did not abort the transaction: later statements still run.
    await client.query('select 1');
    return inserted;
  });

  expect(journey).toMatchObject({ reference: 'RR-FRESH0', created: true });
  expect(draws).toEqual([]);
});

test('after five taken references in a row it gives up rather than loop', async () => {
  const userId = await newUserId();
  const taken = await insertJourney(db.pool, journeyOf(userId));
  let draws = 0;

  await expect(insertJourney(db.pool, journeyOf(userId), () => (draws++, taken.reference))).rejects.toThrow(
    /no free journey reference/,
  );
  expect(draws).toBe(5);
});

test('references are RR- and six Crockford base32 characters, using the whole alphabet', () => {
  const references = Array.from({ length: 2_000 }, () => newJourneyReference());
  const characters = new Set(references.flatMap((reference) => [...reference.slice(3)]));

  expect(references.every((reference) => JOURNEY_REFERENCE_PATTERN.test(reference))).toBe(true);
  expect([...characters].sort().join('')).toBe('0123456789ABCDEFGHJKMNPQRSTVWXYZ');
  expect(new Set(references).size).toBe(references.length);
});

test('findJourney gives the journey with the number of attached ticket files, and nothing for an unknown id', async () => {
  const userId = await newUserId();
  const journey = await insertJourney(db.pool, journeyOf(userId));
  const files = await Promise.all(
    [1, 2].map(() => storeTicketFile(db.pool, { userId, contentType: 'image/png', bytes: Buffer.from([1]) })),
  );
  await attachTicketFiles(db.pool, { journeyId: journey.id, userId, ids: files.map((file) => file.id) });
  const { created: _created, ...stored } = journey;

  expect(await findJourney(db.pool, journey.id)).toEqual({ ...stored, mediaCount: 2 });
  expect(await findJourney(db.pool, randomUUID())).toBeUndefined();
});

test("listJourneys gives the user's newest journeys first, up to the limit, with their ticket counts", async () => {
  const [userId, other] = [await newUserId(), await newUserId()];
  const ids: string[] = [];
  for (const date of ['2026-07-10', '2026-07-11', '2026-07-12']) {
    ids.push((await insertJourney(db.pool, journeyOf(userId, { travelDate: date }))).id);
  }
  await insertJourney(db.pool, journeyOf(other));
  const { id: fileId } = await storeTicketFile(db.pool, {
    userId,
    contentType: 'application/pdf',
    bytes: Buffer.from('%PDF'),
  });
  await attachTicketFiles(db.pool, { journeyId: ids[0]!, userId, ids: [fileId] });

  const all = await listJourneys(db.pool, userId, 10);
  const two = await listJourneys(db.pool, userId, 2);

  expect(all.map((journey) => [journey.travelDate, journey.mediaCount])).toEqual([
    ['2026-07-12', 0],
    ['2026-07-11', 0],
    ['2026-07-10', 1],
  ]);
  expect(two.map((journey) => journey.id)).toEqual([ids[2], ids[1]]);
});
