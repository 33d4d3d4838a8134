// Unverified numbers are forgotten after UNVERIFIED_RETENTION_DAYS, against real Postgres and Redis.
// Ages are set relative to the database's now(), the only clock the purge reads.
import { JOB, QUEUE } from '../../src/jobs/queues';
import { upsertPreference } from '../../src/repos/preferences';
import { insertJourney } from '../../src/repos/journeys';
import { storeTicketFile } from '../../src/repos/ticket-files';
import { createUser } from '../../src/repos/users';
import { runUnverifiedRetention } from '../../src/users/unverified-retention';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';

const DAYS = 7;

let t: TestDeps;
beforeEach(async () => (t = await makeTestDeps(makeFakeTwilio())));
afterEach(() => t.close());

let nextPhone = 0;
/** A user registered `age` ago by the database's clock (an interval such as '8 days'). */
async function userAged(age: string, options: { verified?: boolean } = {}): Promise<string> {
  const { id } = await createUser(t.deps.db, { phoneNumber: `+447700900${String(500 + nextPhone++)}` });
  await t.deps.db.query(
    `update whatsapp_handler.users
        set created_at = now() - $2::interval,
            verified_at = case when $3::boolean then now() - $2::interval + interval '5 minutes' end
      where id = $1::uuid`,
    [id, age, options.verified ?? false],
  );
  return id;
}

async function userIds(): Promise<string[]> {
  const { rows } = await t.deps.db.query<{ id: string }>(`select id from whatsapp_handler.users order by id`);
  return rows.map((row) => row.id);
}

async function events(): Promise<
  Array<{ aggregate_id: string; event_type: string; payload: unknown; correlation_id: string | null }>
> {
  const { rows } = await t.deps.db.query(
    `select aggregate_id, event_type, payload, correlation_id from whatsapp_handler.outbox_events order by seq`,
  );
  return rows;
}

const run = (options: { batchSize?: number; timeBudgetMs?: number } = {}) =>
  runUnverifiedRetention({ ...t.deps, retentionDays: DAYS }, options);

test('only unverified users older than the retention period are deleted, each with one user.deleted', async () => {
  const expired = [await userAged('8 days'), await userAged('30 days')];
  const recent = await userAged('6 days');
  const verifiedLongAgo = await userAged('90 days', { verified: true });

  const result = await run();

  expect(result).toEqual({ deleted: 2, batches: 1, more: false });
  expect(await userIds()).toEqual([recent, verifiedLongAgo].sort());
  const written = await events();
  expect(written).toHaveLength(2);
  expect(written).toEqual(
    expect.arrayContaining(
      expired.map((id) => ({
        aggregate_id: id,
        event_type: 'user.deleted',
        payload: { user_id: id, reason: 'unverified_expired' },
        correlation_id: null,
      })),
    ),
  );
});

test('the age is measured by the database clock, to the minute around the boundary', async () => {
  const justOver = await userAged('7 days 1 minute');
  const justUnder = await userAged('6 days 23 hours 59 minutes');

  await run();

  expect(await userIds()).toEqual([justUnder]);
  expect((await events()).map((e) => e.aggregate_id)).toEqual([justOver]);
});

test('a deleted user takes their preferences, journeys and ticket files with them', async () => {
  const doomed = await userAged('10 days');
  const kept = await userAged('10 days', { verified: true });
  for (const userId of [doomed, kept]) {
    await upsertPreference(t.deps.db, userId, 'notifications', false);
    await insertJourney(t.deps.db, {
      userId,
      correlationId: `SM${userId.replace(/-/g, '')}`,
      travelDate: '2026-07-14',
      originCrs: 'KGX',
      destinationCrs: 'EDB',
      departureDatetime: '2026-07-14T08:05:00+01:00',
      arrivalDatetime: '2026-07-14T12:29:00+01:00',
      journeyType: 'single',
    });
    await storeTicketFile(t.deps.db, { userId, contentType: 'image/png', bytes: Buffer.from('png') });
  }

  await run();

  const owners = async (table: string) =>
    (await t.deps.db.query<{ user_id: string }>(`select user_id from whatsapp_handler.${table}`)).rows.map(
      (row) => row.user_id,
    );
  expect(await owners('user_preferences')).toEqual([kept]);
  expect(await owners('journeys')).toEqual([kept]);
  expect(await owners('journey_ticket_files')).toEqual([kept]);
});

test('many expired users are deleted across batches, one event each, and counted', async () => {
  const expired = [];
  for (let i = 0; i < 7; i++) expired.push(await userAged(`${8 + i} days`));
  const recent = await userAged('1 day');

  const result = await run({ batchSize: 3 });

  expect(result).toEqual({ deleted: 7, batches: 3, more: false });
  expect(await userIds()).toEqual([recent]);
  const written = await events();
  expect(written.map((e) => e.aggregate_id).sort()).toEqual([...expired].sort());
  expect(written.map((e) => (e.payload as { reason: string }).reason)).toEqual(Array(7).fill('unverified_expired'));
  const metric = await t.deps.metrics.registry.getSingleMetric('whatsapp_users_deleted_total')!.get();
  expect(metric.values).toEqual([expect.objectContaining({ labels: { reason: 'unverified_expired' }, value: 7 })]);
});

test('a run out of time after a full batch says there is more', async () => {
  for (let i = 0; i < 5; i++) await userAged('9 days');

  const result = await run({ batchSize: 2, timeBudgetMs: 0 });

  expect(result).toEqual({ deleted: 2, batches: 1, more: true });
  expect(await userIds()).toHaveLength(3);
});

test('a user another transaction holds (a code being checked) is skipped without waiting', async () => {
  const held = await userAged('9 days');
  const free = await userAged('9 days');
  const other = await t.deps.db.connect();
  try {
    await other.query('begin');
    await other.query(`select 1 from whatsapp_handler.users where id = $1::uuid for update`, [held]);

    const result = await run();

    expect(result.deleted).toBe(1);
    expect(await userIds()).toEqual([held]);
    expect((await events()).map((e) => e.aggregate_id)).toEqual([free]);
  } finally {
    await other.query('rollback');
    other.release();
  }
});

test('after deleting it wakes the outbox relay; with nothing to delete it does not', async () => {
  const relayJobs = () => t.deps.queues[QUEUE.outboxRelay].getJobs(['waiting', 'delayed']);

  await run();
  expect(await relayJobs()).toEqual([]);

  await userAged('8 days');
  await run();
  expect((await relayJobs()).map((job) => job.name)).toEqual([JOB.relayOutbox]);
});
