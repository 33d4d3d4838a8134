// Twilio Verify's documented rules (docs/decisions/0017), played through the official client
// against the local stand-in and through the stand-in in-process (what makeFakeTwilio uses): both
// must answer alike, since tests of the service rely on either.
import { TwilioApiError } from '../../src/twilio/gateway';
import type { TwilioGateway } from '../../src/twilio/gateway';
import { startLocalTwilio, type LocalTwilio } from '../../src/twilio/local-twilio';
import { makeInProcessTwilio } from '../../src/twilio/local-twilio/in-process';
import { makeTwilioGateway } from '../../src/twilio/twilio-client';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  FROM,
  SERVICE_SID,
  movableClock,
  rejection,
  startStandIn,
  twilioConfig,
  type MovableClock,
} from './helpers';

const PHONE = '+447700900123';
const TEN_MINUTES = 10 * 60 * 1000;

type Harness = {
  gateway: TwilioGateway;
  clock: MovableClock;
  lastCode(to: string): string | undefined;
  close(): Promise<void>;
};

const harnesses: Array<[string, () => Promise<Harness>]> = [
  [
    'the official client and the local stand-in',
    async () => {
      const { standIn, gateway, clock } = await startStandIn();
      return { gateway, clock, lastCode: (to) => standIn.lastCode(to), close: () => standIn.close() };
    },
  ],
  [
    'the stand-in in-process',
    async () => {
      const clock = movableClock();
      const twilio = makeInProcessTwilio({ accountSid: ACCOUNT_SID, verifyServiceSid: SERVICE_SID, from: FROM, clock });
      return { gateway: twilio.gateway, clock, lastCode: (to) => twilio.verify.lastCode(to), close: async () => {} };
    },
  ],
];

describe.each(harnesses)('Verify v2 through %s', (_, start) => {
  let t: Harness;
  let gateway: TwilioGateway;

  beforeEach(async () => {
    t = await start();
    gateway = t.gateway;
  });
  afterEach(() => t.close());

  const code = () => t.lastCode(PHONE)!;
  const wrong = () => (code() === '000000' ? '111111' : '000000');
  async function checkWrong(times: number): Promise<void> {
    for (let i = 0; i < times; i += 1) await gateway.checkVerification({ to: PHONE, code: wrong() });
  }

  it('starts a pending verification and issues a 6-digit code for that number', async () => {
    const started = await gateway.startVerification({ to: PHONE, channel: 'sms' });

    expect(started.status).toBe('pending');
    expect(started.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(code()).toMatch(/^[0-9]{6}$/);
  });

  it('answers a wrong code with pending and valid false, and the right code with approved', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });

    const first = await gateway.checkVerification({ to: PHONE, code: wrong() });
    const second = await gateway.checkVerification({ to: PHONE, code: code() });

    expect(first).toEqual({ status: 'pending', valid: false });
    expect(second).toEqual({ status: 'approved', valid: true });
  });

  it('refuses a check after approval with 404 and code 20404, not retryable', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    await gateway.checkVerification({ to: PHONE, code: code() });

    const error = await rejection(gateway.checkVerification({ to: PHONE, code: code() }));

    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 404, code: 20404, retryable: false });
  });

  it('refuses a check for a number that never started a verification with 20404', async () => {
    const error = await rejection(gateway.checkVerification({ to: PHONE, code: '123456' }));

    expect(error).toMatchObject({ status: 404, code: 20404 });
  });

  it('answers 5 wrong checks with pending, then refuses the 6th and later with 429 and 60202 (not retryable), even with the right code', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await gateway.checkVerification({ to: PHONE, code: wrong() }));

    const sixth = await rejection(gateway.checkVerification({ to: PHONE, code: code() }));
    const seventh = await rejection(gateway.checkVerification({ to: PHONE, code: code() }));

    expect(answers).toEqual(Array.from({ length: 5 }, () => ({ status: 'pending', valid: false })));
    expect(sixth).toMatchObject({ status: 429, code: 60202, retryable: false });
    expect(seventh).toMatchObject({ status: 429, code: 60202 });
  });

  it('a start while one is pending resends it: same SID, same code, and the checks already used stay used', async () => {
    const first = await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const firstCode = code();
    await checkWrong(3);

    const resent = await gateway.startVerification({ to: PHONE, channel: 'sms' });
    await checkWrong(2);
    const sixth = await rejection(gateway.checkVerification({ to: PHONE, code: firstCode }));

    expect(resent).toEqual({ sid: first.sid, status: 'pending' });
    expect(code()).toBe(firstCode);
    expect(sixth).toMatchObject({ status: 429, code: 60202 });
  });

  it('refuses the 6th send of one verification with 429 and 60203 (not retryable), and the pending code still works', async () => {
    for (let i = 0; i < 5; i += 1) await gateway.startVerification({ to: PHONE, channel: 'sms' });

    const error = await rejection(gateway.startVerification({ to: PHONE, channel: 'sms' }));
    const check = await gateway.checkVerification({ to: PHONE, code: code() });

    expect(error).toMatchObject({ status: 429, code: 60203, retryable: false });
    expect(check.status).toBe('approved');
  });

  it('cancel ends the pending verification: checks answer 20404 and a start creates a new one with fresh attempts', async () => {
    const first = await gateway.startVerification({ to: PHONE, channel: 'sms' });
    await checkWrong(5);

    const canceled = await gateway.cancelVerification({ to: PHONE });
    const afterCancel = await rejection(gateway.checkVerification({ to: PHONE, code: code() }));
    const second = await gateway.startVerification({ to: PHONE, channel: 'sms' });
    await checkWrong(4);
    const fifth = await gateway.checkVerification({ to: PHONE, code: code() });

    expect(canceled).toEqual({ canceled: true });
    expect(afterCancel).toMatchObject({ status: 404, code: 20404 });
    expect(second.sid).not.toBe(first.sid);
    expect(fifth).toEqual({ status: 'approved', valid: true });
  });

  it('cancel gives a new verification its own sends too', async () => {
    for (let i = 0; i < 5; i += 1) await gateway.startVerification({ to: PHONE, channel: 'sms' });

    await gateway.cancelVerification({ to: PHONE });
    const started = await gateway.startVerification({ to: PHONE, channel: 'sms' });

    expect(started.status).toBe('pending');
  });

  it.each([
    ['never started', async () => {}],
    ['approved', async (h: Harness) => h.gateway.checkVerification({ to: PHONE, code: h.lastCode(PHONE)! })],
    ['canceled already', async (h: Harness) => h.gateway.cancelVerification({ to: PHONE })],
    ['expired', async (h: Harness) => h.clock.advance(TEN_MINUTES)],
  ] as const)('cancel with none pending (%s) is done, not an error', async (history, endIt) => {
    if (history !== 'never started') await gateway.startVerification({ to: PHONE, channel: 'sms' });
    await endIt(t);

    expect(await gateway.cancelVerification({ to: PHONE })).toEqual({ canceled: false });
  });

  it('expires a verification 10 minutes after it was created, answering 20404, and a start then creates a new one', async () => {
    const first = await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const firstCode = code();
    await checkWrong(5);
    t.clock.advance(TEN_MINUTES);

    const expired = await rejection(gateway.checkVerification({ to: PHONE, code: firstCode }));
    const second = await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const check = await gateway.checkVerification({ to: PHONE, code: code() });

    expect(expired).toMatchObject({ status: 404, code: 20404 });
    expect(second.sid).not.toBe(first.sid);
    expect(check.status).toBe('approved');
  });

  it('keeps a verification checkable just before its 10 minutes are up, resends included', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    t.clock.advance(TEN_MINUTES - 60_000);
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    t.clock.advance(59_000);

    const result = await gateway.checkVerification({ to: PHONE, code: code() });

    expect(result.status).toBe('approved');
  });

  it('a resend does not make a verification live longer than 10 minutes from its creation', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    t.clock.advance(TEN_MINUTES - 60_000);
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const resentCode = code();
    t.clock.advance(60_000);

    expect(await rejection(gateway.checkVerification({ to: PHONE, code: resentCode }))).toMatchObject({ code: 20404 });
  });
});

describe('Verify v2 through the official client: the stand-in itself', () => {
  let standIn: LocalTwilio;
  let gateway: TwilioGateway;

  beforeEach(async () => {
    ({ standIn, gateway } = await startStandIn());
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('fails the next verification start, check and cancel as told, as retryable errors', async () => {
    standIn.failNext({ endpoint: 'verifications', status: 503 });
    standIn.failNext({ endpoint: 'verification-check', status: 429, code: 20429 });
    standIn.failNext({ endpoint: 'verification-update', status: 500 });

    const startError = await rejection(gateway.startVerification({ to: PHONE, channel: 'sms' }));
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const checkError = await rejection(gateway.checkVerification({ to: PHONE, code: standIn.lastCode(PHONE)! }));
    const cancelError = await rejection(gateway.cancelVerification({ to: PHONE }));
    const approved = await gateway.checkVerification({ to: PHONE, code: standIn.lastCode(PHONE)! });

    expect(startError).toMatchObject({ status: 503, code: 20503, retryable: true });
    expect(checkError).toMatchObject({ status: 429, code: 20429, retryable: true });
    expect(cancelError).toMatchObject({ status: 500, code: 20500, retryable: true });
    expect(approved.status).toBe('approved');
  });

  it('calls onCode with each issued code', async () => {
    await standIn.close();
    const codes: string[] = [];
    standIn = await startLocalTwilio({
      port: 0,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      verifyServiceSid: SERVICE_SID,
      onCode: (to, code) => codes.push(`${to} ${code}`),
    });

    await makeTwilioGateway(twilioConfig(standIn.url)).startVerification({ to: PHONE, channel: 'sms' });

    expect(codes).toEqual([`${PHONE} ${standIn.lastCode(PHONE)}`]);
  });
});
