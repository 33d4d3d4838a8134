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

test('events published in the same microsecond or a microsecond apart are all deleted across batch boundaries', async () => {
  // Seven events: three share one published_at, the rest are a microsecond apart, so batches of 2
  // end inside a tie and between neighbours a JavaScript Date could not tell apart.
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push(await eventWith({ created: 10, published: 10 }));
  await db.pool.query(
    `update whatsapp_handler.outbox_events e
        set published_at = date_trunc('second', now()) - interval '10 days'
                           + greatest(o.n - 3, 0) * interval '1 microsecond'
       from (select id, row_number() over (order by seq) as n from whatsapp_handler.outbox_events) o
      where e.id = o.id`,
  );
  const recent = await eventWith({ created: 1, published: 1 });

  const result = await runRetention(
    { db: db.pool, logger: makeLogger('silent'), retentionDays: 7 },
    { batchSize: 2, pauseMs: 0 },
  );

  expect(result).toMatchObject({ deleted: 7, batches: 4, more: false });
  expect(await remainingIds()).toEqual([recent]);
});

test('a purge pauses after each full batch', async () => {
  for (let i = 0; i < 9; i++) await eventWith({ created: 10, published: 10 });
  const started = Date.now();

  const result = await runRetention(
    { db: db.pool, logger: makeLogger('silent'), retentionDays: 7 },
    { batchSize: 3, pauseMs: 60 },
  );

  // Three full batches, a pause after each, then the empty batch that ends the run.
  expect(result).toMatchObject({ deleted: 9, batches: 4, more: false });
  expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 60);
});

test('an event locked by another transaction is skipped rather than waited for, and goes in a later run', async () => {
  const locked = await eventWith({ created: 10, published: 10 });
  const other = await eventWith({ created: 10, published: 9 });
  const deps = { db: db.pool, logger: makeLogger('silent'), retentionDays: 7 };
  const holder = await db.pool.connect();
  try {
    await holder.query('begin');
    await holder.query(`select 1 from whatsapp_handler.outbox_events where id = $1::uuid for update`, [locked]);

    const first = await runRetention(deps, { pauseMs: 0 });

    expect(first).toMatchObject({ deleted: 1, more: false });
    expect(await remainingIds()).toEqual([locked]);
    expect(await remainingIds()).not.toContain(other);
  } finally {
    await holder.query('rollback');
    holder.release();
  }

  const second = await runRetention(deps, { pauseMs: 0 });

  expect(second).toMatchObject({ deleted: 1, more: false });
  expect(await remainingIds()).toEqual([]);
});
