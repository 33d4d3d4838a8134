import { receive as receiveMessage } from '../inbound-sender';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { texts } from '../../../src/conversation/texts';
import * as lane from '../../../src/jobs/sender-lane';
import * as forgetting from '../../../src/jobs/processors/forget-sender';
import { JOB, QUEUE } from '../../../src/jobs/queues';
import { startWorkers, type WorkerHandle } from '../../../src/jobs/register';
import { findUserByPhone } from '../../../src/repos/users';
import { listPreferences } from '../../../src/repos/preferences';
import { TwilioApiError } from '../../../src/twilio/gateway';
import { makeFakeTwilio, type FakeTwilio } from '../fake-twilio';
import { makeTestDeps, type TestDeps } from '../test-deps';
import { eventually } from '../../support/eventually';
import { scanPrefix } from '../../support/redis';

describe('inbound-message processor', () => {
  let twilio: FakeTwilio;
  let t: TestDeps;
  let workers: WorkerHandle;

  beforeEach(async () => {
    twilio = makeFakeTwilio();
    t = await makeTestDeps(twilio, { env: { VERIFY_RESEND_COOLDOWN_SECONDS: '0' } });
    workers = startWorkers(t.deps, { concurrency: 4, outbox: { sweepEveryMs: 60_000 } });
    await workers.ready();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await workers.close();
    await t.close();
  });

  /** What the webhook does: queue the message and number it in its sender's lane (its job stays once completed). */
  const receive = (phone: string, body: string) => receiveMessage(t.deps, phone, body);

  function repliesTo(phone: string): string[] {
    return twilio.sent.filter((m) => m.to === `whatsapp:${phone}`).map((m) => m.body ?? `[template ${m.contentSid}]`);
  }

  async function waitForReplies(phone: string, count: number): Promise<string[]> {
    return eventually(
      () => {
        expect(repliesTo(phone).length).toBeGreaterThanOrEqual(count);
        return repliesTo(phone);
      },
      { timeoutMs: 20_000, what: `${count} replies` },
    );
  }

  /** Sends a message and returns its reply once the message's turn has finished. */
  async function converse(phone: string, body: string): Promise<string> {
    const before = repliesTo(phone).length;
    const sid = await receive(phone, body);
    const reply = (await waitForReplies(phone, before + 1))[before]!;
    await finished(sid);
    return reply;
  }

  async function finished(sid: string): Promise<void> {
    const job = (await t.deps.queues[QUEUE.inbound].getJob(sid)) as Job;
    await eventually(async () => expect(await job.isCompleted()).toBe(true), { what: `${sid} completed` });
  }

  async function eventTypes(): Promise<string[]> {
    const { rows } = await t.deps.db.query<{ event_type: string }>(
      `select event_type from whatsapp_handler.outbox_events order by seq`,
    );
    return rows.map((row) => row.event_type);
  }

  it('runs onboarding, verification, settings, STOP/START and deletion with the catalog replies', async () => {
    const phone = '+447700900201';

    expect(await converse(phone, 'Hi')).toBe(texts.welcome);
    expect(await converse(phone, 'YES')).toBe(texts.codeSent);
    expect(await converse(phone, '000000')).toBe(texts.wrongCode(4));
    expect(await converse(phone, twilio.codes.get(phone)!)).toBe(`${texts.verified}\n\n${texts.menu}`);
    const user = (await findUserByPhone(t.deps.db, phone))!;
    expect(user.verifiedAt).not.toBeNull();

    expect(await converse(phone, 'SETTINGS')).toBe(
      texts.settings({ notifications: true, homeStation: undefined, optedOut: false, quietHours: true }),
    );
    expect(await converse(phone, '1')).toBe(texts.notificationsSet(false));
    expect(await converse(phone, 'STOP')).toBe(texts.stopped);
    expect(await listPreferences(t.deps.db, user.id)).toEqual({ notifications: false, opted_out: true });
    expect(await converse(phone, 'START')).toBe(texts.started);
    expect(await converse(phone, 'DELETE MY DATA')).toBe(texts.confirmDelete);
    expect(await converse(phone, 'DELETE')).toBe(texts.deleted);

    expect(await findUserByPhone(t.deps.db, phone)).toBeUndefined();
    expect(await t.redis.get(t.deps.keys.conversation(phone))).toBeNull();
    expect(await eventTypes()).toEqual([
      'user.registered',
      'user.verified',
      'user.preferences_updated',
      'user.preferences_updated',
      'user.preferences_updated',
      'user.deleted',
    ]);
    expect(twilio.starts).toHaveLength(1);
  });

  it('answers Verify refusals clearly: too many sends, expired code, too many checks, failed start', async () => {
    const phone = '+447700900206';
    await converse(phone, 'Hi');
    twilio.failNext(1, new TwilioApiError(429, 60203, 'Max send attempts reached'));
    expect(await converse(phone, 'YES')).toBe(texts.tooManySends);

    expect(await converse(phone, 'RESEND')).toBe(texts.codeSent);
    twilio.failNext(1, new TwilioApiError(404, 20404, 'The requested resource was not found'));
    expect(await converse(phone, '111111')).toBe(texts.codeExpired);

    expect(await converse(phone, 'RESEND')).toBe(texts.codeSent);
    twilio.failNext(1, new TwilioApiError(429, 60202, 'Max check attempts reached'));
    expect(await converse(phone, '111111')).toBe(texts.noChecksLeft);

    twilio.failNext(1, new TwilioApiError(400, 60200, 'Invalid parameter'), 'startVerification');
    expect(await converse(phone, 'RESEND')).toBe(texts.sendFailed);
  });

  it('RESEND within the cooldown says how long to wait and sends no code', async () => {
    await workers.close();
    await t.close();
    t = await makeTestDeps(twilio, { env: { VERIFY_RESEND_COOLDOWN_SECONDS: '600' } });
    workers = startWorkers(t.deps, { concurrency: 2, outbox: { sweepEveryMs: 60_000 } });
    await workers.ready();
    const phone = '+447700900207';
    await converse(phone, 'Hi');
    await converse(phone, 'YES');

    const reply = await converse(phone, 'RESEND');

    expect(reply).toMatch(/^Please wait \*(59\d|600)\* seconds/);
    expect(twilio.starts).toHaveLength(1);
  });

  it('keeps the conversation state in Redis with a 24 h TTL', async () => {
    const phone = '+447700900202';

    await converse(phone, 'Hi');

    expect(JSON.parse((await t.redis.get(t.deps.keys.conversation(phone)))!)).toEqual({ step: 'awaiting-consent' });
    const ttl = await t.redis.ttl(t.deps.keys.conversation(phone));
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });

  it('a message retried after a crash before its turn finished applies each effect once', async () => {
    const phone = '+447700900203';
    await converse(phone, 'Hi');
    // The first attempt at YES registers, starts the verification and sends its reply, then dies
    // before saving the state; BullMQ retries it.
    const realFinish = lane.finishTurn;
    let crashed = false;
    jest.spyOn(lane, 'finishTurn').mockImplementation(async (...args) => {
      if (!crashed && args[4].result === 'processed') {
        crashed = true;
        throw new Error('worker crashed');
      }
      return realFinish(...args);
    });

    await finished(await receive(phone, 'YES'));

    expect(crashed).toBe(true);
    expect(repliesTo(phone)).toEqual([texts.welcome, texts.codeSent]);
    expect(twilio.starts).toHaveLength(1);
    expect(await eventTypes()).toEqual(['user.registered']);
    expect(JSON.parse((await t.redis.get(t.deps.keys.conversation(phone)))!)).toMatchObject({ step: 'awaiting-code' });
  });

  it('running the same inbound job again after it finished changes nothing', async () => {
    const phone = '+447700900204';
    await converse(phone, 'Hi');
    const sid = await receive(phone, 'YES');
    await waitForReplies(phone, 2);
    await finished(sid);
    const job = (await t.deps.queues[QUEUE.inbound].getJob(sid)) as Job;
    const state = await t.redis.get(t.deps.keys.conversation(phone));

    // A redelivery of the same MessageSid under another job id: the lane knows it is done.
    await t.deps.queues[QUEUE.inbound].add(JOB.inboundMessage, job.data, {
      jobId: `${sid}-again`,
      removeOnComplete: false,
    });
    await finished(`${sid}-again`);

    expect(repliesTo(phone)).toEqual([texts.welcome, texts.codeSent]);
    expect(twilio.starts).toHaveLength(1);
    expect(await eventTypes()).toEqual(['user.registered']);
    expect(await t.redis.get(t.deps.keys.conversation(phone))).toBe(state);
    expect(await (await t.deps.queues[QUEUE.inbound].getJob(`${sid}-again`))!.returnvalue).toEqual({
      outcome: 'duplicate',
    });
  });

  it('an erasure that could be neither done nor queued as the conversation ended is done by the retry', async () => {
    const phone = '+447700900206';
    await converse(phone, 'Hi');
    // Redis fails just as the ending message's turn is over: the erasure and its fallback job.
    jest.spyOn(forgetting, 'forgetSender').mockRejectedValueOnce(new Error('Connection is closed.'));
    jest.spyOn(t.deps.queues[QUEUE.senderErasure], 'add').mockRejectedValueOnce(new Error('Connection is closed.'));

    const sid = await receive(phone, 'NO');
    await finished(sid);

    const job = (await t.deps.queues[QUEUE.inbound].getJob(sid)) as Job;
    expect(job.attemptsMade).toBe(2);
    expect(job.returnvalue).toEqual({ outcome: 'duplicate' });
    expect(repliesTo(phone)).toEqual([texts.welcome, texts.goodbyeNoConsent]);
    // Forgotten: nothing of the sender's is left but the ending message's number and outcome.
    const senderId = t.deps.keys.senderId(phone);
    const left = (await scanPrefix(t.redis as Redis, t.prefix)).filter((key) => key.includes(`{${senderId}}`));
    expect(left.sort()).toEqual(t.deps.keys.messageKeysOf(senderId, sid).sort());
  });

  it('a burst from one sender is answered in order', async () => {
    const phone = '+447700900205';
    await converse(phone, 'Hi');
    for (const body of ['help', 'menu', 'settings', 'cancel', 'help']) await receive(phone, body);

    const replies = await waitForReplies(phone, 6);

    expect(replies.slice(1)).toEqual([
      texts.helpNoAccount,
      texts.needsAccount,
      texts.needsAccount,
      texts.goodbyeNoConsent,
      texts.helpNoAccount,
    ]);
  });
});
