// An in-process TwilioGateway for processor tests: records calls, answers like Twilio, and can be
// told to fail the next calls with a given Twilio error.
import {
  TwilioApiError,
  type RecentMessage,
  type TwilioGateway,
  type VerificationStatus,
} from '../../src/twilio/gateway';

export type FakeTwilio = TwilioGateway & {
  sent: Array<{ to: string; body: string; statusCallback?: string }>;
  /** Every accepted message with its SID and creation time, as Twilio lists them. */
  history: Array<RecentMessage & { to: string }>;
  starts: Array<{ to: string; channel: string }>;
  checks: Array<{ to: string }>;
  /** The code the fake accepts, per number. */
  codes: Map<string, string>;
  failNext(count: number, error: TwilioApiError): void;
};

export function makeFakeTwilio(): FakeTwilio {
  const failures: TwilioApiError[] = [];
  const checksLeft = new Map<string, number>();
  const maybeFail = () => {
    const failure = failures.shift();
    if (failure) throw failure;
  };
  let counter = 0;
  const fake: FakeTwilio = {
    sent: [],
    history: [],
    starts: [],
    checks: [],
    codes: new Map(),
    failNext(count, error) {
      for (let i = 0; i < count; i++) failures.push(error);
    },
    async sendMessage(input) {
      maybeFail();
      fake.sent.push(input);
      const sid = `SM${String(++counter).padStart(32, '0')}`;
      fake.history.push({ sid, to: input.to, body: input.body, dateCreated: new Date() });
      return { sid, status: 'queued' };
    },
    async recentMessages({ to, limit }) {
      maybeFail();
      return fake.history
        .filter((m) => m.to === to)
        .reverse()
        .slice(0, limit)
        .map(({ sid, body, dateCreated }) => ({ sid, body, dateCreated }));
    },
    async startVerification(input) {
      maybeFail();
      fake.starts.push(input);
      fake.codes.set(input.to, '123456');
      checksLeft.set(input.to, 5);
      return { sid: `VE${String(++counter).padStart(32, '0')}`, status: 'pending' };
    },
    async checkVerification(input) {
      maybeFail();
      fake.checks.push({ to: input.to });
      const expected = fake.codes.get(input.to);
      if (expected === undefined) throw new TwilioApiError(404, 20404, 'The requested resource was not found');
      const left = (checksLeft.get(input.to) ?? 5) - 1;
      checksLeft.set(input.to, left);
      if (input.code === expected) {
        fake.codes.delete(input.to);
        return { status: 'approved' as VerificationStatus, valid: true };
      }
      if (left <= 0) return { status: 'max_attempts_reached' as VerificationStatus, valid: false };
      return { status: 'pending' as VerificationStatus, valid: false };
    },
  };
  return fake;
}
