// Postgres stops for two minutes in the middle of a burst: no message is lost or uses up an
// attempt, each sender's later messages wait behind the first, and every reply arrives in order
// once Postgres is back.
import { QUEUE } from '../../src/jobs/queues';
import { startWorkers, type WorkerHandle } from '../../src/jobs/register';
import { makePool, type Pool } from '../../src/db/pool';
import { eventually } from '../support/eventually';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { makeFakeTwilio, type FakeTwilio } from './fake-twilio';
import { receive } from './inbound-sender';
import { makeTestDeps, type TestDeps } from './test-deps';

// OUTAGE_TEST_MS shortens it when working on this test; the suite runs the full two minutes.
const OUTAGE_MS = Number(process.env.OUTAGE_TEST_MS ?? 120_000);
const SENDERS = 30;
const LATER_MESSAGES = ['YES', 'help', 'menu'];

let twilio: FakeTwilio;
let t: TestDeps;
let proxy: TcpProxy;
let pool: Pool;
let workers: WorkerHandle;

beforeAll(async () => {
  twilio = makeFakeTwilio();
  t = await makeTestDeps(twilio);
  const url = new URL(t.database.url);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.host = `127.0.0.1:${proxy.port}`;
  pool = makePool(url.toString(), { max: 5 });
  workers = startWorkers({ ...t.deps, db: pool }, { concurrency: 16, outbox: { sweepEveryMs: 60_000 } });
  await workers.ready();
});
afterAll(async () => {
  await workers.close();
  await pool.end();
  await proxy.close();
  await t.close();
});

const phoneOf = (i: number) => `+4477009${String(20_000 + i).padStart(5, '0')}`;
const repliesTo = (phone: string) => twilio.sent.filter((m) => m.to === `whatsapp:${phone}`).map((m) => m.body);

test('Postgres down for 120 s mid-burst loses nothing and answers every sender in order', async () => {
  // A control sender goes through the whole conversation first: its replies are what every
  // sender must get.
  const control = phoneOf(SENDERS);
  for (const body of ['Hi', ...LATER_MESSAGES]) {
    const before = repliesTo(control).length;
    await receive(t.deps, control, body);
    await eventually(() => expect(repliesTo(control).length).toBeGreaterThan(before), { what: `reply to ${body}` });
  }
  const expected = repliesTo(control);

  const phones = Array.from({ length: SENDERS }, (_, i) => phoneOf(i));
  await Promise.all(phones.map((phone) => receive(t.deps, phone, 'Hi')));
  await eventually(() => expect(phones.map((p) => repliesTo(p).length)).toEqual(phones.map(() => 1)), {
    what: 'first replies',
  });

  await proxy.down();
  for (const body of LATER_MESSAGES) await Promise.all(phones.map((phone) => receive(t.deps, phone, body)));
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)); // the outage itself
  const repliesDuringOutage = phones.flatMap((p) => repliesTo(p)).length;
  await proxy.up();

  await eventually(() => expect(phones.map(repliesTo)).toEqual(phones.map(() => expected)), {
    timeoutMs: 90_000,
    what: 'every reply after the outage',
  });
  const inbound = t.deps.queues[QUEUE.inbound];
  // A reply goes out inside its turn, just before the turn is recorded as done.
  const jobs = await eventually(
    async () => {
      const done = await inbound.getJobs(['completed', 'failed']);
      expect(done).toHaveLength((SENDERS + 1) * (LATER_MESSAGES.length + 1));
      return done;
    },
    { what: 'every turn done' },
  );
  expect(repliesDuringOutage).toBe(SENDERS);
  expect(await inbound.getFailedCount()).toBe(0);
  // One attempt each, the one that succeeded: the outage cost none (a failed attempt leaves a stack trace).
  expect(
    jobs.filter((job) => job.attemptsMade !== 1 || (job.stacktrace ?? []).length > 0).map((job) => job.id),
  ).toEqual([]);
}, 240_000);
