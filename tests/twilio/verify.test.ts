import { TwilioApiError } from '../../src/twilio/gateway';
import type { TwilioGateway } from '../../src/twilio/gateway';
import { startLocalTwilio, type LocalTwilio } from '../../src/twilio/local-twilio';
import { makeTwilioGateway } from '../../src/twilio/twilio-client';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  SERVICE_SID,
  rejection,
  startStandIn,
  twilioConfig,
  type MovableClock,
} from './helpers';

const PHONE = '+447700900123';

describe('Verify v2 through the official client and the local stand-in', () => {
  let standIn: LocalTwilio;
  let gateway: TwilioGateway;
  let clock: MovableClock;

  beforeEach(async () => {
    ({ standIn, gateway, clock } = await startStandIn());
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('starts a pending verification and issues a 6-digit code for that number', async () => {
    const started = await gateway.startVerification({ to: PHONE, channel: 'sms' });

    expect(started.status).toBe('pending');
    expect(started.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(standIn.lastCode(PHONE)).toMatch(/^[0-9]{6}$/);
  });

  it('answers a wrong code with pending and valid false, and the right code with approved', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const code = standIn.lastCode(PHONE)!;
    const wrong = code === '000000' ? '111111' : '000000';

    const first = await gateway.checkVerification({ to: PHONE, code: wrong });
    const second = await gateway.checkVerification({ to: PHONE, code });

    expect(first).toEqual({ status: 'pending', valid: false });
    expect(second).toEqual({ status: 'approved', valid: true });
  });

  it('refuses a check after approval with 404 and code 20404, not retryable', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    await gateway.checkVerification({ to: PHONE, code: standIn.lastCode(PHONE)! });

    const error = await rejection(gateway.checkVerification({ to: PHONE, code: standIn.lastCode(PHONE)! }));

    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 404, code: 20404, retryable: false });
  });

  it('refuses a check for a number that never started a verification with 20404', async () => {
    const error = await rejection(gateway.checkVerification({ to: PHONE, code: '123456' }));

    expect(error).toMatchObject({ status: 404, code: 20404 });
  });

  it('refuses the sixth check of one verification with 429 and code 60202, even with the right code', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const code = standIn.lastCode(PHONE)!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) await gateway.checkVerification({ to: PHONE, code: wrong });

    const error = await rejection(gateway.checkVerification({ to: PHONE, code }));

    expect(error).toMatchObject({ status: 429, code: 60202 });
  });

  it('refuses the sixth send to one number within 10 minutes with 429 and code 60203', async () => {
    for (let i = 0; i < 5; i += 1) await gateway.startVerification({ to: PHONE, channel: 'sms' });

    const error = await rejection(gateway.startVerification({ to: PHONE, channel: 'sms' }));

    expect(error).toMatchObject({ status: 429, code: 60203 });
  });

  it('allows sends again once the 10-minute window has passed', async () => {
    for (let i = 0; i < 5; i += 1) await gateway.startVerification({ to: PHONE, channel: 'sms' });
    clock.advance(10 * 60 * 1000);

    const started = await gateway.startVerification({ to: PHONE, channel: 'sms' });

    expect(started.status).toBe('pending');
  });

  it('re-sends the same code under the same SID while a verification is pending', async () => {
    const first = await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const code = standIn.lastCode(PHONE);

    const second = await gateway.startVerification({ to: PHONE, channel: 'sms' });

    expect(second.sid).toBe(first.sid);
    expect(standIn.lastCode(PHONE)).toBe(code);
  });

  it('expires a verification after 10 minutes of the injected clock, answering 20404', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const code = standIn.lastCode(PHONE)!;
    clock.advance(10 * 60 * 1000);

    const error = await rejection(gateway.checkVerification({ to: PHONE, code }));

    expect(error).toMatchObject({ status: 404, code: 20404 });
  });

  it('keeps a verification checkable just before its 10 minutes are up', async () => {
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    clock.advance(10 * 60 * 1000 - 1000);

    const result = await gateway.checkVerification({ to: PHONE, code: standIn.lastCode(PHONE)! });

    expect(result.status).toBe('approved');
  });

  it('fails the next verification start and check as told, as retryable errors', async () => {
    standIn.failNext({ endpoint: 'verifications', status: 503 });
    standIn.failNext({ endpoint: 'verification-check', status: 429, code: 20429 });

    const startError = await rejection(gateway.startVerification({ to: PHONE, channel: 'sms' }));
    await gateway.startVerification({ to: PHONE, channel: 'sms' });
    const checkError = await rejection(gateway.checkVerification({ to: PHONE, code: standIn.lastCode(PHONE)! }));
    const approved = await gateway.checkVerification({ to: PHONE, code: standIn.lastCode(PHONE)! });

    expect(startError).toMatchObject({ status: 503, code: 20503, retryable: true });
    expect(checkError).toMatchObject({ status: 429, code: 20429, retryable: true });
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
