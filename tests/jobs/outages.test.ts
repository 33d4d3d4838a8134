// What a sender sees when Twilio is unreachable, and when a message fails for good: their turn
// waits (without using up attempts) while other senders are served; a message that cannot be
// handled gets one apology once Twilio takes messages again; an operator's retry processes it again.
import type { Job } from 'bullmq';
import { texts } from '../../src/conversation/texts';
import { QUEUE } from '../../src/jobs/queues';
import { startWorkers, type WorkerHandle } from '../../src/jobs/register';
import * as users from '../../src/repos/users';
import { TwilioApiError } from '../../src/twilio/gateway';
import { eventually } from '../support/eventually';
import { makeFakeTwilio, type FakeTwilio } from './fake-twilio';
import { receive } from './inbound-sender';
import { makeTestDeps, type TestDeps } from './test-deps';

let twilio: FakeTwilio;
let t: TestDeps;
let workers: WorkerHandle;
/** Recipients Twilio cannot be reached for: each send to them answers 503. */
const unreachable = new Set<string>();

beforeEach(async () => {
  twilio = makeFakeTwilio();
  const send = twilio.sendMessage.bind(twilio);
  twilio.sendMessage = async (input) => {
    if (unreachable.has(input.to)) throw new TwilioApiError(503, undefined, 'Service Unavailable');
    return send(input);
  };
  t = await makeTestDeps(twilio);
  workers = startWorkers(t.deps, { concurrency: 8, outbox: { sweepEveryMs: 60_000 } });
  await workers.ready();
});
afterEach(async () => {
  jest.restoreAllMocks();
  unreachable.clear();
  await workers.close();
  await t.close();
});

const repliesTo = (phone: string) => twilio.sent.filter((m) => m.to === `whatsapp:${phone}`).map((m) => m.body);

test('while Twilio is down for one sender, their later messages wait and other senders are served', async () => {
  const stuck = '+447700900301';
  const other = '+447700900302';
  unreachable.add(`whatsapp:${stuck}`);

  const stuckSids = [await receive(t.deps, stuck, 'Hi'), await receive(t.deps, stuck, 'help')];
  await receive(t.deps, other, 'Hi');
  await eventually(() => expect(repliesTo(other)).toEqual([texts.welcome]), { what: "the other sender's reply" });
  await eventually(
    async () => expect((await t.deps.queues[QUEUE.inbound].getJob(stuckSids[0]!))!.attemptsStarted).toBeGreaterThan(2),
    { what: 'the stuck turn retrying' },
  );
  expect(repliesTo(stuck)).toEqual([]);

  unreachable.clear();
  await eventually(() => expect(repliesTo(stuck)).toEqual([texts.welcome, texts.helpNoAccount]), {
    timeoutMs: 20_000,
    what: 'the stuck sender answered in order',
  });
  // A reply goes out inside the turn, just before the turn is recorded as done.
  const jobs = await eventually(
    async () => {
      const states = await Promise.all(
        stuckSids.map(async (sid) => (await t.deps.queues[QUEUE.inbound].getJob(sid))!.getState()),
      );
      expect(states).toEqual(['completed', 'completed']);
      // Read again once completed: a job read before it finished holds its attempts of then.
      return Promise.all(stuckSids.map((sid) => t.deps.queues[QUEUE.inbound].getJob(sid)));
    },
    { what: 'both turns done' },
  );
  // One attempt each, the one that succeeded: the outage cost none (a failed attempt leaves a stack trace).
  expect(jobs.map((job) => [job!.attemptsMade, (job!.stacktrace ?? []).length])).toEqual([
    [1, 0],
    [1, 0],
  ]);
});

test('a message that fails for good gets one apology when Twilio is back, and a retry from Bull Board processes it again', async () => {
  const phone = '+447700900303';
  const realFind = users.findUserByPhone;
  jest.spyOn(users, 'findUserByPhone').mockImplementation(async (db, number) => {
    if (number === phone) throw new Error('a bug in the message handling');
    return realFind(db, number);
  });
  unreachable.add(`whatsapp:${phone}`);

  const sid = await receive(t.deps, phone, 'Hi', { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
  const inbound = t.deps.queues[QUEUE.inbound];
  await eventually(async () => expect(await (await inbound.getJob(sid))!.getState()).toBe('failed'), {
    what: 'the message failed for good',
  });
  const apology = t.deps.queues[QUEUE.outbound];
  await eventually(async () => expect(await apology.getJob(`${sid}-apology`)).toBeDefined(), {
    what: 'apology queued',
  });
  expect(repliesTo(phone)).toEqual([]);

  unreachable.clear();
  await eventually(() => expect(repliesTo(phone)).toEqual([texts.somethingWentWrong]), {
    timeoutMs: 40_000,
    what: 'the apology once Twilio is back',
  });

  jest.restoreAllMocks();
  await ((await inbound.getJob(sid)) as Job).retry('failed');
  await eventually(() => expect(repliesTo(phone)).toEqual([texts.somethingWentWrong, texts.welcome]), {
    what: 'the retried message answered',
  });
  await eventually(async () => expect(await (await inbound.getJob(sid))!.getState()).toBe('completed'), {
    what: 'the retried message done',
  });
}, 60_000);
