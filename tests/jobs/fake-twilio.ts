// An in-process TwilioGateway for processor tests. Twilio's rules and answers come from the local
// stand-in's own stores (src/twilio/local-twilio/in-process.ts), so this fake and the stand-in
// cannot disagree; what is added here is only for tests: a record of the calls, a way to know or
// set a number's code, and scripted failures.
import type { Clock } from '../../src/clock';
import { TwilioApiError, type OutgoingMessage, type RecentMessage, type TwilioGateway } from '../../src/twilio/gateway';
import { makeInProcessTwilio } from '../../src/twilio/local-twilio/in-process';
import type { DeliveryStep } from '../../src/twilio/local-twilio/messages-store';

const ACCOUNT_SID = 'AC' + '0'.repeat(32);
const VERIFY_SERVICE_SID = 'VA' + '0'.repeat(32);
// The service's default sender in tests (TWILIO_WHATSAPP_FROM is Twilio's sandbox number).
const FROM = 'whatsapp:+14155238886';

/** The code each number's pending verification accepts. */
export type PendingCodes = {
  get(to: string): string | undefined;
  has(to: string): boolean;
  /** Makes the pending verification accept this code, starting one (without a send) if none is pending. */
  set(to: string, code: string): void;
};

export type FakeTwilio = Required<TwilioGateway> & {
  /** Every message Twilio accepted, as the gateway was called. */
  sent: OutgoingMessage[];
  /** Every accepted message with its SID and creation time, as Twilio lists them. */
  history: Array<RecentMessage & { to: string }>;
  /** Every verification start, check and cancel that reached Twilio, whatever it answered. */
  starts: Array<{ to: string; channel: string }>;
  checks: Array<{ to: string }>;
  cancels: Array<{ to: string }>;
  codes: PendingCodes;
  /**
   * The next `count` calls fail with this error before reaching Twilio: calls of any kind, or only
   * those of the named method (a RESEND after used-up tries cancels before it starts, for one).
   */
  failNext(count: number, error: TwilioApiError, only?: GatewayCall): void;
  /** Closes or opens the number's 24-hour window: while closed, free-form messages end 63016. */
  setWindow(to: string, open: boolean): void;
  /** Later messages to the number end with this error code (`failed` unless told); undefined clears it. */
  setDeliveryError(to: string, errorCode: number | undefined, status?: 'failed' | 'undelivered'): void;
  /** Takes a sent message to its end; returns the statuses Twilio's status callbacks would report. */
  settle(sid: string): DeliveryStep[];
};

type GatewayCall = keyof Required<TwilioGateway>;

export function makeFakeTwilio(options: { clock?: Clock } = {}): FakeTwilio {
  const twilio = makeInProcessTwilio({
    accountSid: ACCOUNT_SID,
    verifyServiceSid: VERIFY_SERVICE_SID,
    from: FROM,
    clock: options.clock,
  });
  let failures: Array<{ error: TwilioApiError; only?: GatewayCall }> = [];
  const maybeFail = (call: GatewayCall) => {
    const failure = failures.find((f) => f.only === undefined || f.only === call);
    if (failure === undefined) return;
    failures = failures.filter((f) => f !== failure);
    throw failure.error;
  };

  const fake: FakeTwilio = {
    sent: [],
    get history() {
      return twilio.messages.all().map((m) => ({ sid: m.sid, to: m.to, body: m.body, dateCreated: m.dateCreated }));
    },
    starts: [],
    checks: [],
    cancels: [],
    codes: {
      get: (to) => twilio.verify.pendingCode(to),
      has: (to) => twilio.verify.pendingCode(to) !== undefined,
      set: (to, code) => twilio.verify.setCode(to, code),
    },
    failNext(count, error, only) {
      for (let i = 0; i < count; i++) failures.push({ error, only });
    },
    setWindow: (to, open) => twilio.messages.setWindow(to, open),
    setDeliveryError: (to, errorCode, status) => twilio.messages.setDeliveryError(to, errorCode, status),
    settle: (sid) => twilio.messages.settle(sid),
    async sendMessage(input) {
      maybeFail('sendMessage');
      const message = await twilio.gateway.sendMessage(input);
      fake.sent.push(input);
      return message;
    },
    async recentMessages(input) {
      maybeFail('recentMessages');
      return twilio.gateway.recentMessages(input);
    },
    async startVerification(input) {
      maybeFail('startVerification');
      fake.starts.push(input);
      return twilio.gateway.startVerification(input);
    },
    async checkVerification(input) {
      maybeFail('checkVerification');
      fake.checks.push({ to: input.to });
      return twilio.gateway.checkVerification(input);
    },
    async cancelVerification(input) {
      maybeFail('cancelVerification');
      fake.cancels.push(input);
      return twilio.gateway.cancelVerification(input);
    },
  };
  return fake;
}
