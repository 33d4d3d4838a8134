import { UnrecoverableError, type Job } from 'bullmq';
import { jobSeal } from '../../../src/jobs/job-seal';
import { toOutboundJob } from '../../../src/jobs/outbound-job';
import { JOB, QUEUE } from '../../../src/jobs/queues';
import { makeSendMessageProcessor } from '../../../src/jobs/processors/send-message';
import { makeSendRate } from '../../../src/outbound/send-rate';
import { upsertPreference } from '../../../src/repos/preferences';
import { createUser } from '../../../src/repos/users';
import { TwilioApiError } from '../../../src/twilio/gateway';
import { makeFakeTwilio, type FakeTwilio } from '../fake-twilio';
import { makeTestDeps, type TestDeps } from '../test-deps';

describe('send-message processor', () => {
  let twilio: FakeTwilio;
  let t: TestDeps;

  beforeEach(async () => {
    twilio = makeFakeTwilio();
    t = await makeTestDeps(twilio);
  });
  afterEach(() => t.close());

  const sendDeps = () => ({ ...t.deps, sendRate: makeSendRate(t.redis, t.deps.keys, 1_000) });

  // As the service queues it: sealed, the recipient masked.
  const add = (
    data: { to: string; body: string; idempotencyKey: string; proactive?: boolean },
    jobId: string,
  ): Promise<Job> =>
    t.deps.queues[QUEUE.outbound].add(
      JOB.sendMessage,
      toOutboundJob(data, jobSeal(t.deps.config.senderKeySecret), t.deps.keys),
      { jobId },
    );

  it('sends the message once with the status callback, even when the same job runs twice', async () => {
    const job = await add({ to: 'whatsapp:+447700900123', body: 'Hello', idempotencyKey: 'k1' }, 'k1');
    const process = makeSendMessageProcessor(sendDeps());

    const first = await process(job);
    const second = await process(job);

    expect(twilio.sent).toEqual([
      {
        to: 'whatsapp:+447700900123',
        body: 'Hello',
        statusCallback: 'https://bot.example.test/webhooks/twilio/status',
      },
    ]);
    expect(second).toEqual({ ...first, duplicate: true });
  });

  it('a rerun whose earlier attempt reached Twilio before the worker died does not send again', async () => {
    const to = 'whatsapp:+447700900123';
    // The same reply text went out earlier for another message: it must not be mistaken for ours.
    const earlier = await add({ to, body: 'Hello', idempotencyKey: 'k0' }, 'k0');
    const process = makeSendMessageProcessor(sendDeps());
    await process(earlier);
    const job = await add({ to, body: 'Hello', idempotencyKey: 'k5' }, 'k5');
    // The dying attempt: marked as started, accepted by Twilio, never recorded.
    await t.redis.set(t.deps.keys.sendAttempt('k5'), String(Date.now()));
    const accepted = await twilio.sendMessage({ to, body: 'Hello' });

    const result = await process(job);

    expect(result).toEqual({ sid: accepted.sid, recovered: true });
    expect(twilio.sent).toHaveLength(2);
    expect(await process(job)).toEqual({ sid: accepted.sid, duplicate: true });
  });

  it('a send whose SID was not recorded (the write failed, or the worker died) is found, not sent again, by its rerun', async () => {
    const to = 'whatsapp:+447700900123';
    const job = await add({ to, body: 'Hello', idempotencyKey: 'k7' }, 'k7');
    // Twilio accepts the message; recording its SID fails. On a cluster the recipient's recent
    // SIDs live on another shard: had they taken it regardless, the rerun would send it again.
    const set = t.redis.set.bind(t.redis);
    jest
      .spyOn(t.redis, 'set')
      .mockImplementation(((key: string, ...rest: unknown[]) =>
        key === t.deps.keys.sentMessage('k7')
          ? Promise.reject(new Error('connection lost'))
          : (set as (...args: unknown[]) => Promise<unknown>)(key, ...rest)) as typeof t.redis.set);
    const process = makeSendMessageProcessor(sendDeps());
    await expect(process(job)).rejects.toThrow('connection lost');
    jest.restoreAllMocks();
    expect(twilio.sent).toHaveLength(1);

    expect(await process(job)).toEqual({ sid: expect.any(String), recovered: true });
    expect(twilio.sent).toHaveLength(1);
  });

  it('a rerun whose earlier attempt never reached Twilio sends', async () => {
    const to = 'whatsapp:+447700900123';
    const job = await add({ to, body: 'Hello', idempotencyKey: 'k6' }, 'k6');
    await t.redis.set(t.deps.keys.sendAttempt('k6'), String(Date.now()));

    const result = await makeSendMessageProcessor(sendDeps())(job);

    expect(result).not.toHaveProperty('recovered');
    expect(twilio.sent).toHaveLength(1);
  });

  it('a permanent Twilio refusal (21211) fails the job without retrying', async () => {
    twilio.failNext(1, new TwilioApiError(400, 21211, "The 'To' number is not a valid phone number."));
    const job = await add({ to: 'whatsapp:+447700900123', body: 'Hello', idempotencyKey: 'k2' }, 'k2');

    await expect(makeSendMessageProcessor(sendDeps())(job)).rejects.toBeInstanceOf(UnrecoverableError);
    expect((await t.deps.metrics.outboundFailures.get()).values).toEqual([
      expect.objectContaining({ labels: { kind: 'refused', error_code: '21211' }, value: 1 }),
    ]);
  });

  it('a message outside the 24-hour window (63016) fails the job without retrying', async () => {
    twilio.failNext(1, new TwilioApiError(400, 63016, 'Outside the allowed window'));
    const job = await add({ to: 'whatsapp:+447700900123', body: 'Hello', idempotencyKey: 'k3' }, 'k3');

    await expect(makeSendMessageProcessor(sendDeps())(job)).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('a rate limit (429) or server error is thrown for BullMQ to retry, and the retry sends', async () => {
    twilio.failNext(1, new TwilioApiError(429, 20429, 'Too Many Requests'));
    twilio.failNext(1, new TwilioApiError(503, undefined, 'Service Unavailable'));
    const job = await add({ to: 'whatsapp:+447700900123', body: 'Hello', idempotencyKey: 'k4' }, 'k4');
    const process = makeSendMessageProcessor(sendDeps());

    const rateLimited = await process(job).catch((error: unknown) => error);
    const unavailable = await process(job).catch((error: unknown) => error);
    await process(job);

    expect(rateLimited).toBeInstanceOf(TwilioApiError);
    expect(rateLimited).not.toBeInstanceOf(UnrecoverableError);
    expect(unavailable).toBeInstanceOf(TwilioApiError);
    expect(twilio.sent).toHaveLength(1);
    // The 503 came from the rerun's look for an earlier send, not from a send.
    expect((await t.deps.metrics.outboundFailures.get()).values).toEqual([
      expect.objectContaining({ labels: { kind: 'retried', error_code: '20429' }, value: 1 }),
    ]);
  });

  it('a proactive message to a user who sent STOP is dropped; a reply to them is sent', async () => {
    const user = await createUser(t.deps.db, { phoneNumber: '+447700900555' });
    await upsertPreference(t.deps.db, user.id, 'opted_out', true);
    const proactive = await add(
      { to: 'whatsapp:+447700900555', body: 'Delay update', idempotencyKey: 'p1', proactive: true },
      'p1',
    );
    const reply = await add({ to: 'whatsapp:+447700900555', body: 'OK', idempotencyKey: 'r1' }, 'r1');
    const process = makeSendMessageProcessor(sendDeps());

    expect(await process(proactive)).toEqual({ dropped: 'opted-out' });
    await process(reply);

    expect(twilio.sent.map((m) => m.body)).toEqual(['OK']);
  });

  it('an invalid payload fails the job for good', async () => {
    const job = await add({ to: '+447700900123', body: '', idempotencyKey: 'bad' }, 'bad');

    await expect(makeSendMessageProcessor(sendDeps())(job)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(twilio.sent).toHaveLength(0);
  });
});
