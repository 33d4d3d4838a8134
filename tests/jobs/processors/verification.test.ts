import { UnrecoverableError, type Job } from 'bullmq';
import { JOB, QUEUE } from '../../../src/jobs/queues';
import { makeCheckVerificationProcessor } from '../../../src/jobs/processors/check-verification';
import { makeStartVerificationProcessor } from '../../../src/jobs/processors/start-verification';
import { TwilioApiError } from '../../../src/twilio/gateway';
import { makeFakeTwilio, type FakeTwilio } from '../fake-twilio';
import { makeTestDeps, type TestDeps } from '../test-deps';

const PHONE = '+447700900123';
const INBOUND_SID = `SM${'b'.repeat(32)}`;

describe('verification processors', () => {
  let twilio: FakeTwilio;
  let t: TestDeps;

  beforeEach(async () => {
    twilio = makeFakeTwilio();
    t = await makeTestDeps(twilio, { env: { TWILIO_VERIFY_CHANNEL: 'whatsapp' } });
  });
  afterEach(() => t.close());

  const start = (jobId = 'start-1'): Promise<Job> =>
    t.deps.queues[QUEUE.verification].add(
      JOB.startVerification,
      { phoneNumber: PHONE, correlationId: INBOUND_SID },
      { jobId },
    );

  /** The inbound message carrying the typed code, as the webhook queued it. */
  const inbound = (body: string, sid = INBOUND_SID): Promise<Job> =>
    t.deps.queues[QUEUE.inbound].add(
      JOB.inboundMessage,
      {
        messageSid: sid,
        from: `whatsapp:${PHONE}`,
        to: 'whatsapp:+14155238886',
        body,
        media: [],
        receivedAt: new Date().toISOString(),
      },
      { jobId: sid },
    );

  const check = (jobId = 'check-1', sid = INBOUND_SID): Promise<Job> =>
    t.deps.queues[QUEUE.verification].add(
      JOB.checkVerification,
      { phoneNumber: PHONE, inboundMessageSid: sid, correlationId: sid },
      { jobId },
    );

  describe('start-verification', () => {
    it('asks Twilio Verify once on the configured channel, even when the same job runs twice', async () => {
      const job = await start();
      const process = makeStartVerificationProcessor(t.deps);

      const first = await process(job);
      const second = await process(job);

      expect(first).toEqual({ outcome: 'sent' });
      expect(second).toEqual(first);
      expect(twilio.starts).toEqual([{ to: PHONE, channel: 'whatsapp' }]);
    });

    it('too many sends (60203) is an outcome, not a failure', async () => {
      twilio.failNext(1, new TwilioApiError(429, 60203, 'Max send attempts reached'));

      expect(await makeStartVerificationProcessor(t.deps)(await start())).toEqual({ outcome: 'too-many-sends' });
    });

    it('a 5xx is thrown for BullMQ to retry; another 4xx fails the job for good', async () => {
      twilio.failNext(1, new TwilioApiError(503, undefined, 'Service Unavailable'));
      twilio.failNext(1, new TwilioApiError(400, 60200, 'Invalid parameter'));
      const process = makeStartVerificationProcessor(t.deps);

      const transient = await process(await start('a')).catch((error: unknown) => error);
      const permanent = await process(await start('b')).catch((error: unknown) => error);

      expect(transient).toBeInstanceOf(TwilioApiError);
      expect(permanent).toBeInstanceOf(UnrecoverableError);
    });
  });

  describe('check-verification', () => {
    beforeEach(() => twilio.codes.set(PHONE, '123456'));

    it('reads the code from the inbound message and approves it once, even when the same job runs twice', async () => {
      twilio.codes.set(PHONE, '482915');
      await inbound(' 482 915 ');
      const job = await check();
      const process = makeCheckVerificationProcessor(t.deps);

      const first = await process(job);
      const second = await process(job);

      expect(first).toEqual({ outcome: 'approved' });
      expect(second).toEqual(first);
      expect(twilio.checks).toHaveLength(1);
      expect(JSON.stringify(job.data)).not.toContain('482');
      expect(JSON.stringify(first)).not.toContain('482');
      expect(await t.redis.get(t.deps.keys.verificationOutcome('check-1'))).not.toContain('482');
    });

    it('a wrong code is reported as wrong-code', async () => {
      await inbound('654321');

      expect(await makeCheckVerificationProcessor(t.deps)(await check())).toEqual({ outcome: 'wrong-code' });
    });

    it('text that cannot be a code is a wrong code without asking Twilio', async () => {
      await inbound('hello');

      expect(await makeCheckVerificationProcessor(t.deps)(await check())).toEqual({ outcome: 'wrong-code' });
      expect(twilio.checks).toHaveLength(0);
    });

    it('an expired or used verification (20404) is reported as expired', async () => {
      await inbound('123456');
      twilio.failNext(1, new TwilioApiError(404, 20404, 'The requested resource was not found'));

      expect(await makeCheckVerificationProcessor(t.deps)(await check())).toEqual({ outcome: 'expired' });
    });

    it('too many checks (60202) is reported as too-many-checks', async () => {
      await inbound('123456');
      twilio.failNext(1, new TwilioApiError(429, 60202, 'Max check attempts reached'));

      expect(await makeCheckVerificationProcessor(t.deps)(await check())).toEqual({ outcome: 'too-many-checks' });
    });

    it('a network failure is thrown for BullMQ to retry', async () => {
      await inbound('123456');
      twilio.failNext(1, new TwilioApiError(0, undefined, 'socket hang up'));

      const error = await makeCheckVerificationProcessor(t.deps)(await check()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(TwilioApiError);
      expect(error).not.toBeInstanceOf(UnrecoverableError);
    });

    it('fails for good when the inbound message is gone', async () => {
      const job = await check('check-missing', `SM${'c'.repeat(32)}`);

      await expect(makeCheckVerificationProcessor(t.deps)(job)).rejects.toBeInstanceOf(UnrecoverableError);
    });
  });
});
