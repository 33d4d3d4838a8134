// A stand-in on an ephemeral port and the real gateway pointed at it, with a clock tests can move.
import type { TwilioConfig } from '../../src/config';
import { startLocalTwilio, type LocalTwilio } from '../../src/twilio/local-twilio';
import { makeTwilioGateway } from '../../src/twilio/twilio-client';
import type { TwilioGateway } from '../../src/twilio/gateway';

export const ACCOUNT_SID = 'AC' + 'a1'.repeat(16);
export const AUTH_TOKEN = 'test-auth-token-0123456789';
export const SERVICE_SID = 'VA' + 'b2'.repeat(16);
export const FROM = 'whatsapp:+14155238886';

export type MovableClock = { now(): Date; advance(ms: number): void };

export function movableClock(start = new Date('2026-01-05T09:00:00Z')): MovableClock {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}

export function twilioConfig(url: string, overrides: Partial<TwilioConfig> = {}): TwilioConfig {
  return {
    mode: 'local',
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    whatsappFrom: FROM,
    verifyServiceSid: SERVICE_SID,
    verifyChannel: 'sms',
    apiBaseUrl: url,
    verifyBaseUrl: url,
    ...overrides,
  };
}

export async function startStandIn(
  options: { clock?: MovableClock; statusCallbacks?: boolean } = {},
): Promise<{ standIn: LocalTwilio; gateway: TwilioGateway; clock: MovableClock }> {
  const clock = options.clock ?? movableClock();
  const standIn = await startLocalTwilio({
    port: 0,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    verifyServiceSid: SERVICE_SID,
    clock,
    statusCallbacks: options.statusCallbacks ?? false,
  });
  return { standIn, gateway: makeTwilioGateway(twilioConfig(standIn.url)), clock };
}

/** Runs the promise and returns what it rejected with (fails the test if it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected');
}
