import { randomUUID } from 'node:crypto';
import { makeLogger } from '../../src/logger';
import { runRetention } from '../../src/outbox/retention';
import { appendEvent } from '../../src/repos/outbox';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { registeredEvent } from '../support/events';

let db: TestDatabase;
beforeEach(async () => (db = await createTestDatabase()));
afterEach(() => db.drop());

/**
 * Appends an event and sets its lifecycle columns directly, as if it had lived that long: ages in
 * days before the database's now(), the clock retention compares them with.
 */
async function eventWith(age: { created: number; published?: number; parked?: number }): Promise<string> {
  const { id } = await appendEvent(db.pool, registeredEvent({ userId: randomUUID() }));
  await db.pool.query(
    `update whatsapp_handler.outbox_events
        set created_at = now() - make_interval(days => $2::int),
            published_at = now() - make_interval(days => $3::int),
            parked_at = now() - make_interval(days => $4::int)
      where id = $1::uuid`,
    [id, age.created, age.published ?? null, age.parked ?? null],
  );
  return id;
}

async function remainingIds(): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(`select id from whatsapp_handler.outbox_events order by seq`);
  return rows.map((row) => row.id);
}

test('only events published before the retention period are deleted; unpublished and parked ones stay', async () => {
  const expired = await eventWith({ created: 9, published: 8 });
  const recent = await eventWith({ created: 9, published: 6 });
  const unpublished = await eventWith({ created: 30 });
  const parked = await eventWith({ created: 30, parked: 29 });

  const result = await runRetention({ db: db.pool, logger: makeLogger('silent'), retentionDays: 7 });

  expect(result).toMatchObject({ deleted: 1, more: false });
  expect(await remainingIds()).toEqual([recent, unpublished, parked]);
  expect(await remainingIds()).not.toContain(expired);
});

test('a purge works through its backlog in batches and stops at its time budget with work left', async () => {
  for (let i = 0; i < 25; i++) await eventWith({ created: 10, published: 10 });
  const deps = { db: db.pool, logger: makeLogger('silent'), retentionDays: 7 };

  const cut = await runRetention(deps, { batchSize: 5, timeBudgetMs: 0 });
  const rest = await runRetention(deps, { batchSize: 5 });

  expect(cut).toMatchObject({ deleted: 5, batches: 1, more: true });
  expect(rest).toMatchObject({ deleted: 20, batches: 5, more: false });
  expect(await remainingIds()).toEqual([]);
});
