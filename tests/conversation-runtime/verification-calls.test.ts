// Twilio Verify as the sender's turn calls it: Twilio's answers become outcomes; outages are
// thrown for the turn to wait on; the code never leaves the call.
import {
  cancelVerification,
  checkVerification,
  startVerification,
} from '../../src/conversation-runtime/verification-calls';
import { isDependencyOutage } from '../../src/jobs/dependency-outage';
import { makeLogger } from '../../src/logger';
import { loadConfig } from '../../src/config';
import { makeMetrics } from '../../src/observability/metrics';
import { TwilioApiError } from '../../src/twilio/gateway';
import { makeFakeTwilio, type FakeTwilio } from '../jobs/fake-twilio';

const PHONE = '+447700900123';

describe('verification calls', () => {
  let twilio: FakeTwilio;
  let deps: Parameters<typeof startVerification>[0];

  beforeEach(() => {
    twilio = makeFakeTwilio();
    const config = loadConfig({ NODE_ENV: 'test', TWILIO_VERIFY_CHANNEL: 'whatsapp', LOG_LEVEL: 'silent' });
    deps = { twilio, config, logger: makeLogger('silent'), metrics: makeMetrics() };
  });

  it('starts a verification on the configured channel', async () => {
    expect(await startVerification(deps, PHONE)).toBe('sent');
    expect(twilio.starts).toEqual([{ to: PHONE, channel: 'whatsapp' }]);
  });

  it.each([
    [new TwilioApiError(429, 60203, 'Max send attempts reached'), 'too-many-sends'],
    [new TwilioApiError(400, 60200, 'Invalid parameter'), 'failed'],
  ])('a start Twilio answers with %s is the outcome %s', async (error, outcome) => {
    twilio.failNext(1, error);
    expect(await startVerification(deps, PHONE)).toBe(outcome);
  });

  it.each([
    new TwilioApiError(503, undefined, 'Service Unavailable'),
    new TwilioApiError(429, 20429, 'Too Many Requests'),
    new TwilioApiError(0, undefined, 'socket hang up'),
  ])('an outage (%s) is thrown for the turn to wait on', async (error) => {
    twilio.failNext(1, error);
    const thrown = await startVerification(deps, PHONE).catch((e: unknown) => e);
    expect(thrown).toBe(error);
    expect(isDependencyOutage(thrown)).toBe(true);
  });

  it('approves the code typed with spaces, and nothing it returns holds the code', async () => {
    await startVerification(deps, PHONE);
    const code = twilio.codes.get(PHONE)!;

    const outcome = await checkVerification(deps, PHONE, ` ${code.slice(0, 3)} ${code.slice(3)} `);

    expect(outcome).toBe('approved');
    expect(outcome).not.toContain(code);
  });

  it('a wrong code is wrong-code; text that cannot be a code asks Twilio nothing', async () => {
    await startVerification(deps, PHONE);
    const wrong = twilio.codes.get(PHONE) === '000000' ? '111111' : '000000';

    expect(await checkVerification(deps, PHONE, wrong)).toBe('wrong-code');
    expect(await checkVerification(deps, PHONE, 'hello')).toBe('wrong-code');
    expect(twilio.checks).toHaveLength(1);
  });

  it.each([
    [new TwilioApiError(404, 20404, 'The requested resource was not found'), 'expired'],
    [new TwilioApiError(429, 60202, 'Max check attempts reached'), 'too-many-checks'],
    [new TwilioApiError(400, 60200, 'Invalid parameter'), 'expired'],
  ])('a check Twilio answers with %s is the outcome %s', async (error, outcome) => {
    twilio.failNext(1, error);
    expect(await checkVerification(deps, PHONE, '123456')).toBe(outcome);
  });

  it('a check during an outage is thrown for the turn to wait on', async () => {
    const outage = new TwilioApiError(0, undefined, 'socket hang up');
    twilio.failNext(1, outage);
    await expect(checkVerification(deps, PHONE, '123456')).rejects.toBe(outage);
  });

  it("counts Twilio's refusals and outages by operation and code, not the passenger's own limits", async () => {
    twilio.failNext(1, new TwilioApiError(400, 60200, 'Invalid parameter'));
    await startVerification(deps, PHONE);
    twilio.failNext(1, new TwilioApiError(503, undefined, 'Service Unavailable'));
    await checkVerification(deps, PHONE, '123456').catch(() => undefined);
    twilio.failNext(1, new TwilioApiError(429, 60203, 'Max send attempts reached'));
    await startVerification(deps, PHONE);
    twilio.failNext(1, new TwilioApiError(404, 20404, 'The requested resource was not found'));
    await checkVerification(deps, PHONE, '123456');

    expect((await deps.metrics.verifyFailures.get()).values).toEqual([
      expect.objectContaining({ labels: { operation: 'start', error_code: '60200' }, value: 1 }),
      expect.objectContaining({ labels: { operation: 'check', error_code: 'none' }, value: 1 }),
    ]);
  });

  it('cancelling when nothing is pending is not an error', async () => {
    await expect(cancelVerification(deps, PHONE)).resolves.toBeUndefined();
  });
});
