import { randomUUID } from 'node:crypto';
import { userRegistered } from '../../src/events';
import { makeLogger } from '../../src/logger';
import { runRetention } from '../../src/outbox/retention';
import { appendEvent } from '../../src/repos/outbox';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeEach(async () => (db = await createTestDatabase()));
afterEach(() => db.drop());

const now = new Date('2026-11-25T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000);

/** Appends an event and sets its lifecycle columns directly, as if it had lived that long. */
async function eventWith(state: { createdAt: Date; publishedAt?: Date; parkedAt?: Date }): Promise<string> {
  const { id } = await appendEvent(db.pool, userRegistered({ userId: randomUUID() }));
  await db.pool.query(
    `update whatsapp_handler.outbox_events
        set created_at = $2::timestamptz, published_at = $3::timestamptz, parked_at = $4::timestamptz
      where id = $1::uuid`,
    [id, state.createdAt, state.publishedAt ?? null, state.parkedAt ?? null],
  );
  return id;
}

async function remainingIds(): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(`select id from whatsapp_handler.outbox_events order by seq`);
  return rows.map((row) => row.id);
}

test('only events published before the retention period are deleted; unpublished and parked ones stay', async () => {
  const expired = await eventWith({ createdAt: daysAgo(9), publishedAt: daysAgo(8) });
  const recent = await eventWith({ createdAt: daysAgo(9), publishedAt: daysAgo(6) });
  const unpublished = await eventWith({ createdAt: daysAgo(30) });
  const parked = await eventWith({ createdAt: daysAgo(30), parkedAt: daysAgo(29) });

  const result = await runRetention({
    db: db.pool,
    clock: { now: () => now },
    logger: makeLogger('silent'),
    retentionDays: 7,
  });

  expect(result).toMatchObject({ deleted: 1, more: false, cutoff: daysAgo(7) });
  expect(await remainingIds()).toEqual([recent, unpublished, parked]);
  expect(await remainingIds()).not.toContain(expired);
});

test('a purge works through its backlog in batches and stops at its time budget with work left', async () => {
  for (let i = 0; i < 25; i++) await eventWith({ createdAt: daysAgo(10), publishedAt: daysAgo(10) });
  const deps = { db: db.pool, clock: { now: () => now }, logger: makeLogger('silent'), retentionDays: 7 };

  const cut = await runRetention(deps, { batchSize: 5, timeBudgetMs: 0 });
  const rest = await runRetention(deps, { batchSize: 5 });

  expect(cut).toMatchObject({ deleted: 5, batches: 1, more: true });
  expect(rest).toMatchObject({ deleted: 20, batches: 5, more: false });
  expect(await remainingIds()).toEqual([]);
});
