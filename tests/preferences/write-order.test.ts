// Back-to-back preference writes through the internal API, applied by several concurrent
// workers: each user ends on the value accepted last, in the table and on the event stream.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { makeInternalApiRouter } from '../../src/http/routes/internal-api';
import { QUEUE } from '../../src/jobs/queues';
import { makeUpdatePreferenceProcessor } from '../../src/jobs/processors/update-preference';
import { startWorkers, type WorkerHandle } from '../../src/jobs/register';
import { listPreferences, upsertPreference } from '../../src/repos/preferences';
import { createUser } from '../../src/repos/users';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { eventually } from '../support/eventually';

const TOKEN = 'internal-api-token-for-tests-0123';
const USERS = 40;
const WRITES = 6;
const STATIONS = ['KGX', 'EUS', 'PAD', 'MAN', 'LDS', 'YRK'];

let t: TestDeps;
let server: Server;
let workers: WorkerHandle;

beforeEach(async () => {
  t = await makeTestDeps(makeFakeTwilio(), { env: { INTERNAL_API_TOKEN: TOKEN } });
  const app = express();
  app.use(makeInternalApiRouter(t.deps));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  workers = startWorkers(t.deps, { concurrency: 16, queues: [QUEUE.preferenceUpdate] });
  await workers.ready();
});
afterEach(async () => {
  await workers.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

test('six back-to-back PUTs per user leave every user on the last accepted value, table and events alike', async () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users = await Promise.all(
    Array.from({ length: USERS }, (_, i) =>
      createUser(t.deps.db, { phoneNumber: `+4477009${String(10_000 + i).padStart(5, '0')}` }),
    ),
  );

  // Each user's writes are sent one after another (each answered before the next), users in parallel.
  await Promise.all(
    users.map(async (user) => {
      for (const station of STATIONS) {
        const response = await fetch(`${base}/api/v1/users/${user.id}/preferences`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ home_station: station }),
        });
        expect(response.status).toBe(202);
      }
    }),
  );
  const queue = t.deps.queues[QUEUE.preferenceUpdate];
  await eventually(
    async () =>
      expect(await queue.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 }),
    {
      timeoutMs: 20_000,
      what: 'every write applied',
    },
  );

  const last = STATIONS[WRITES - 1];
  const stored = await Promise.all(users.map(async (user) => (await listPreferences(t.deps.db, user.id)).home_station));
  expect(stored).toEqual(users.map(() => last));
  const { rows } = await t.deps.db.query<{ user_id: string; value: string }>(
    `select distinct on (aggregate_id) aggregate_id::text as user_id, payload->>'value' as value
       from whatsapp_handler.outbox_events
      where event_type = 'user.preferences_updated'
      order by aggregate_id, seq desc`,
  );
  expect(rows).toHaveLength(USERS);
  expect(rows.every((row) => row.value === last)).toBe(true);
});

test('writes applied in the reverse of the order they were accepted still leave the last accepted value', async () => {
  await workers.close(); // the test applies the jobs itself, last first
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const user = await createUser(t.deps.db, { phoneNumber: '+447700900998' });
  for (const station of STATIONS) {
    await fetch(`${base}/api/v1/users/${user.id}/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ home_station: station }),
    });
  }
  const jobs = await t.deps.queues[QUEUE.preferenceUpdate].getJobs(['wait']);
  const byAcceptance = jobs.sort((a, b) => Number(a.data.acceptedSeq) - Number(b.data.acceptedSeq));
  const apply = makeUpdatePreferenceProcessor(t.deps);

  const results = [];
  for (const job of [...byAcceptance].reverse()) results.push(await apply(job));

  expect(byAcceptance.map((job) => job.data.value)).toEqual(STATIONS);
  expect(results.map((result) => result.changed)).toEqual([true, false, false, false, false, false]);
  expect(await listPreferences(t.deps.db, user.id)).toMatchObject({ home_station: STATIONS[WRITES - 1] });
});

test('a write accepted earlier than the stored one is ignored; the same value again changes nothing', async () => {
  const user = await createUser(t.deps.db, { phoneNumber: '+447700900999' });

  expect(await upsertPreference(t.deps.db, user.id, 'home_station', 'YRK', '20')).toBe(true);
  expect(await upsertPreference(t.deps.db, user.id, 'home_station', 'KGX', '10')).toBe(false);
  expect(await upsertPreference(t.deps.db, user.id, 'home_station', 'YRK', '30')).toBe(false);
  expect(await upsertPreference(t.deps.db, user.id, 'home_station', 'LDS', '25')).toBe(false);

  expect(await listPreferences(t.deps.db, user.id)).toMatchObject({ home_station: 'YRK' });
});
