// `npm run ops -- find <number>` against real Postgres and Redis: a passenger seeded in every place
// the service keeps something shows up in the report, other senders' jobs do not, and the number
// itself is never printed in full, not even where a job's failure reason quoted it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { UnrecoverableError, Worker } from 'bullmq';
import { toInboundJob } from '../../src/jobs/inbound-job';
import { jobSeal } from '../../src/jobs/job-seal';
import { toOutboundJob } from '../../src/jobs/outbound-job';
import { JOB, QUEUE, queuePrefix } from '../../src/jobs/queues';
import { findPassenger } from '../../src/ops/find-passenger';
import { formatPassengerReport } from '../../src/ops/format-passenger';
import { insertClaimNotification } from '../../src/repos/claim-notifications';
import { insertJourney } from '../../src/repos/journeys';
import { upsertPreference } from '../../src/repos/preferences';
import { createUser, markUserVerified } from '../../src/repos/users';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { eventually } from '../support/eventually';

const PHONE = '+447700900123';
const MASKED = '+44******0123';
const OTHER = '+447700900999';
const OPS = path.join(__dirname, '../../dist/main/ops.js');

let t: TestDeps;
beforeEach(async () => (t = await makeTestDeps(makeFakeTwilio())));
afterEach(() => t.close());

const sid = (n: number) => `SM${String(n).padStart(32, '0')}`;

function inboundMessage(phone: string, messageSid: string) {
  return {
    messageSid,
    from: `whatsapp:${phone}`,
    to: 'whatsapp:+14155238886',
    body: 'Hi',
    media: [],
    receivedAt: new Date().toISOString(),
  };
}

/** A passenger in every place: user, preferences, journey, claim updates, conversation, lane, window, jobs. */
async function seedPassenger() {
  const { deps } = t;
  const seal = jobSeal(deps.config.senderKeySecret);
  const user = await createUser(deps.db, { phoneNumber: PHONE });
  await markUserVerified(deps.db, user.id, new Date());
  await upsertPreference(deps.db, user.id, 'home_station', 'KGX');
  const journey = await insertJourney(deps.db, {
    userId: user.id,
    correlationId: sid(1),
    travelDate: '2026-07-14',
    originCrs: 'KGX',
    destinationCrs: 'EDB',
    departureDatetime: '2026-07-14T08:05:00+01:00',
    arrivalDatetime: '2026-07-14T12:29:00+01:00',
    journeyType: 'single',
  });
  const content = { kind: 'eligible' as const, reference: journey.reference, amountPence: 1234 };
  await insertClaimNotification(deps.db, {
    eventId: 'evt-skipped',
    userId: user.id,
    journeyId: journey.id,
    eventType: 'claim.eligible',
    content,
    notBefore: new Date(),
    skipReason: 'opted-out',
  });

  const senderId = deps.keys.senderId(PHONE);
  const lane = deps.keys.laneOf(senderId);
  await deps.redis
    .multi()
    .set(deps.keys.conversation(PHONE), JSON.stringify({ step: 'menu' }), 'EX', 3600)
    .set(lane.next, '2')
    .set(lane.sequence, '3')
    .hset(lane.arrivals, '3', sid(3))
    .set(lane.lock, 'a-token', 'PX', 30_000)
    .set(deps.keys.lastInbound(PHONE), String(Date.now()))
    // Listed by the webhook as it took them; the first one's turn is done, its job record gone.
    .zadd(deps.keys.senderJobsOf(senderId), Date.now() - 2_000, sid(2), Date.now() - 1_000, sid(3))
    .set(deps.keys.inboundDoneOf(senderId, sid(2)), 'processed', 'EX', 3600)
    .exec();

  await deps.queues[QUEUE.inbound].add(
    JOB.inboundMessage,
    toInboundJob(inboundMessage(PHONE, sid(3)), seal, deps.keys),
    {
      jobId: sid(3),
    },
  );
  await deps.queues[QUEUE.inbound].add(
    JOB.inboundMessage,
    toInboundJob(inboundMessage(OTHER, sid(9)), seal, deps.keys),
    {
      jobId: sid(9),
    },
  );
  await deps.queues[QUEUE.proactive].add(
    JOB.deliverClaimUpdates,
    { userId: user.id, notificationId: '00000000-0000-4000-8000-000000000001' },
    { delay: 60_000 },
  );
  // A send that failed for good, with Twilio's message quoting the number, as Twilio's do.
  const outbound = await deps.queues[QUEUE.outbound].add(
    JOB.sendMessage,
    toOutboundJob({ to: `whatsapp:${PHONE}`, body: 'Your claim', idempotencyKey: 'claim-1' }, seal, deps.keys),
    { attempts: 1 },
  );
  const worker = new Worker(
    QUEUE.outbound,
    async () => {
      throw new UnrecoverableError(`Twilio 21211: The 'To' number whatsapp:${PHONE} is not a valid phone number`);
    },
    { connection: t.redis, prefix: queuePrefix(t.prefix, QUEUE.outbound) },
  );
  try {
    await eventually(async () => expect(await outbound.getState()).toBe('failed'), { what: 'the send to fail' });
  } finally {
    await worker.close();
  }
  return { user, journey };
}

test('shows the user, conversation, lane, window, jobs and claim updates of one number, masked', async () => {
  const { user } = await seedPassenger();

  const report = await findPassenger(t.deps, PHONE);
  const text = formatPassengerReport(report);

  expect(text).toContain(`passenger ${MASKED}`);
  expect(text).toContain(`user          ${user.id}`);
  expect(text).toMatch(/ {2}verified {4}\d{4}-\d\d-\d\dT/);
  expect(text).toContain('preferences notifications=true opted_out=false quiet_hours=true home_station=KGX');
  expect(text).toMatch(/journeys {4}RR-\w{6} received/);
  expect(text).toMatch(/conversation {2}menu; forgotten in (59m|1h 0m)/);
  expect(text).toMatch(/lane {10}next 2, last arrival 3, waiting 3, lock held \(\d+s left\)/);
  expect(text).toMatch(/whatsapp {6}last message .*; window open until /);
  expect(text).toMatch(
    new RegExp(
      `messages {6}newest first\\n  ${sid(3)}  received \\S+  not finished, or over 1 h ago\\n  ${sid(2)}  received \\S+  processed\\n`,
    ),
  );
  expect(text).toMatch(new RegExp(`inbound-messages +waiting +${sid(3)}  inbound-message`));
  expect(text).toMatch(/outbound-messages +failed +\d+ +send-message/);
  expect(text).toContain(`reason: Twilio 21211: The 'To' number whatsapp:${MASKED} is not a valid phone number`);
  expect(text).toMatch(/proactive-messages +delayed +\d+ +deliver-claim-updates/);
  expect(text).toMatch(/claim\.eligible +skipped: opted-out/);
  // Another sender's job is not theirs.
  expect(text).not.toContain(sid(9));
  // The number is never there in full, with or without its "+", nor in the JSON form.
  for (const shown of [text, JSON.stringify(report)]) {
    expect(shown).not.toContain(PHONE.slice(1));
    expect(shown).not.toContain(OTHER.slice(1));
  }
});

test('a number the service has never seen gets a report that says so', async () => {
  const text = formatPassengerReport(await findPassenger(t.deps, PHONE));

  expect(text).toContain('user          none in Postgres');
  expect(text).toContain('conversation  none');
  expect(text).toContain('lane          empty');
  expect(text).toContain('whatsapp      no message in the last 24 h');
  expect(text).toContain('messages      none listed');
  expect(text).toContain('jobs          none kept');
  expect(text).not.toContain(PHONE.slice(1));
});

describe('the command', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [OPS, ...args], {
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: t.database.url,
        REDIS_KEY_PREFIX: t.prefix,
        LOG_LEVEL: 'silent',
      },
    });

  it('prints the report of a number written with spaces, never the number in full', async () => {
    await seedPassenger();

    const result = run('find', '+44 7700 900123');

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`passenger ${MASKED}`);
    expect(result.stdout).toMatch(/outbound-messages +failed/);
    expect(result.stdout).not.toContain(PHONE.slice(1));
  });

  it('stops with exit code 2 and one line for a malformed number, which it prints masked', () => {
    const result = run('find', '07700900123');

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('not a phone number in E.164 form: 077****0123');
    expect(result.stderr).not.toContain('07700900123');
  });

  it('stops with exit code 2 and its usage without a number', () => {
    const result = run('find');

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^usage: npm run ops -- find/);
  });
});
