import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { withTransaction } from '../../src/db/transaction';
import {
  appendEvent,
  claimDueEvents,
  markPublished,
  purgePublishedOlderThan,
  recordPublishFailure,
  unparkEvent,
} from '../../src/repos/outbox';

let db: TestDatabase;
beforeEach(async () => (db = await createTestDatabase()));
afterEach(() => db.drop());

// Every outbox timestamp is the database's (see src/repos/outbox.ts), so these tests move time by
// setting the columns relative to the database's now(), never with a clock of their own.

/** Makes an event's backoff pass, as if its retry delay had gone by. */
async function backoffPasses(id: string): Promise<void> {
  await db.pool.query(`update whatsapp_handler.outbox_events set next_attempt_at = now() where id = $1::uuid`, [id]);
}

/** Marks events as published `days` ago by the database's clock. */
async function publishedDaysAgo(ids: string[], days: number): Promise<void> {
  await db.pool.query(
    `update whatsapp_handler.outbox_events
        set published_at = now() - make_interval(days => $2::int)
      where id = any($1::uuid[])`,
    [ids, days],
  );
}

function userEvent(aggregateId: string, eventType = 'user.registered') {
  return { aggregateType: 'user' as const, aggregateId, eventType, payload: { user_id: aggregateId } };
}

test('an event appended in a rolled-back transaction is never seen', async () => {
  await expect(
    withTransaction(db.pool, async (client) => {
      await appendEvent(client, userEvent(randomUUID()));
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  expect(await withTransaction(db.pool, (client) => claimDueEvents(client, { limit: 10 }))).toEqual([]);
});

test('claiming returns the oldest events first with their correlation id', async () => {
  const first = await appendEvent(db.pool, { ...userEvent(randomUUID()), correlationId: 'SM123' });
  const second = await appendEvent(db.pool, userEvent(randomUUID()));
  const claimed = await withTransaction(db.pool, (client) => claimDueEvents(client, { limit: 10 }));
  expect(claimed.map((event) => event.id)).toEqual([first.id, second.id]);
  expect(claimed[0]).toMatchObject({ correlationId: 'SM123', eventType: 'user.registered', attempts: 0 });
});

test('two connections claiming at once never get the same event', async () => {
  for (let i = 0; i < 50; i++) await appendEvent(db.pool, userEvent(randomUUID()));
  const a = await db.pool.connect();
  const b = await db.pool.connect();
  try {
    await a.query('begin');
    await b.query('begin');
    const [fromA, fromB] = await Promise.all([claimDueEvents(a, { limit: 30 }), claimDueEvents(b, { limit: 30 })]);
    const ids = [...fromA, ...fromB].map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(50);
  } finally {
    await a.query('rollback');
    await b.query('rollback');
    a.release();
    b.release();
  }
});

test("an aggregate's later event waits until its earlier one is published", async () => {
  const aggregateId = randomUUID();
  const registered = await appendEvent(db.pool, userEvent(aggregateId));
  const verified = await appendEvent(db.pool, userEvent(aggregateId, 'user.verified'));
  const firstRound = await withTransaction(db.pool, (client) => claimDueEvents(client, { limit: 10 }));
  expect(firstRound.map((event) => event.id)).toEqual([registered.id]);
  await markPublished(db.pool, [registered.id]);
  const secondRound = await withTransaction(db.pool, (client) => claimDueEvents(client, { limit: 10 }));
  expect(secondRound.map((event) => event.id)).toEqual([verified.id]);
});

test('a failed event is retried only when due, and a parked one blocks its aggregate until unparked', async () => {
  const aggregateId = randomUUID();
  const failing = await appendEvent(db.pool, userEvent(aggregateId));
  await appendEvent(db.pool, userEvent(aggregateId, 'user.verified'));
  await recordPublishFailure(db.pool, { id: failing.id, error: 'broker down', retryDelayMs: 60_000, park: false });
  expect(await withTransaction(db.pool, (c) => claimDueEvents(c, { limit: 10 }))).toEqual([]);
  await backoffPasses(failing.id);
  expect((await withTransaction(db.pool, (c) => claimDueEvents(c, { limit: 10 }))).map((e) => e.id)).toEqual([
    failing.id,
  ]);

  await recordPublishFailure(db.pool, { id: failing.id, error: 'still down', retryDelayMs: 0, park: true });
  expect(await withTransaction(db.pool, (c) => claimDueEvents(c, { limit: 10 }))).toEqual([]);
  expect(await unparkEvent(db.pool, failing.id)).toBe(true);
  const retried = await withTransaction(db.pool, (c) => claimDueEvents(c, { limit: 10 }));
  expect(retried).toEqual([expect.objectContaining({ id: failing.id, attempts: 0 })]);
});

test('purging deletes only published events older than the retention period, in bounded batches', async () => {
  const published: string[] = [];
  for (let i = 0; i < 5; i++) published.push((await appendEvent(db.pool, userEvent(randomUUID()))).id);
  await publishedDaysAgo(published, 24);
  const recent = await appendEvent(db.pool, userEvent(randomUUID()));
  await publishedDaysAgo([recent.id], 6);
  const unpublished = await appendEvent(db.pool, userEvent(randomUUID()));
  const parked = await appendEvent(db.pool, userEvent(randomUUID()));
  await recordPublishFailure(db.pool, { id: parked.id, error: 'x', retryDelayMs: 0, park: true });

  expect(await purgePublishedOlderThan(db.pool, 7, 3)).toBe(3);
  expect(await purgePublishedOlderThan(db.pool, 7, 3)).toBe(2);
  expect(await purgePublishedOlderThan(db.pool, 7, 3)).toBe(0);
  const { rows } = await db.pool.query<{ id: string }>(`select id from whatsapp_handler.outbox_events order by seq`);
  expect(rows.map((row) => row.id)).toEqual([recent.id, unpublished.id, parked.id]);
});
