// Verify v2 rules as Twilio applies them: one 6-digit code per number, valid 10 minutes, at most
// 5 checks per verification (60202) and 5 sends per number in 10 minutes (60203); a check with
// nothing pending (approved, expired or never started) is 20404.
import { randomInt } from 'node:crypto';
import type { Clock } from '../../clock';
import { isE164 } from '../../phone';
import { LocalTwilioError } from './http-io';
import { bareAddress, makeSid } from './sids';

const LIFETIME_MS = 10 * 60 * 1000;
const MAX_CHECKS = 5;
const MAX_SENDS = 5;
const SEND_WINDOW_MS = 10 * 60 * 1000;
const CHANNELS = new Set(['sms', 'whatsapp', 'call', 'email', 'sna', 'auto']);

type Verification = {
  sid: string;
  to: string;
  channel: string;
  code: string;
  status: 'pending' | 'approved';
  checks: number;
  sends: number;
  dateCreated: Date;
  dateUpdated: Date;
};

export type VerifyContext = { accountSid: string; serviceSid: string };

function json(v: Verification, ctx: VerifyContext, valid: boolean) {
  return {
    sid: v.sid,
    service_sid: ctx.serviceSid,
    account_sid: ctx.accountSid,
    to: v.to,
    channel: v.channel,
    status: v.status,
    valid,
    date_created: v.dateCreated.toISOString(),
    date_updated: v.dateUpdated.toISOString(),
  };
}

export function makeVerifyStore(clock: Clock, onCode?: (to: string, code: string) => void) {
  let pending = new Map<string, Verification>();
  let sendTimes = new Map<string, number[]>();
  let lastCodes = new Map<string, string>();

  const live = (to: string): Verification | undefined => {
    const v = pending.get(to);
    if (v === undefined) return undefined;
    if (clock.now().getTime() - v.dateCreated.getTime() >= LIFETIME_MS) {
      pending.delete(to);
      return undefined;
    }
    return v;
  };

  return {
    start(ctx: VerifyContext, form: URLSearchParams) {
      const to = form.get('To') ?? '';
      const channel = form.get('Channel') ?? '';
      if (!isE164(to)) throw new LocalTwilioError(400, 60200, 'Invalid parameter `To`');
      if (!CHANNELS.has(channel)) throw new LocalTwilioError(400, 60200, 'Invalid parameter: Channel');
      const now = clock.now();
      const recent = (sendTimes.get(to) ?? []).filter((t) => now.getTime() - t < SEND_WINDOW_MS);
      if (recent.length >= MAX_SENDS) throw new LocalTwilioError(429, 60203, 'Max send attempts reached');
      sendTimes.set(to, [...recent, now.getTime()]);
      // A send while a verification is pending re-sends the same code under the same SID.
      const existing = live(to);
      const v: Verification = existing ?? {
        sid: makeSid('VE'),
        to,
        channel,
        code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
        status: 'pending',
        checks: 0,
        sends: 0,
        dateCreated: now,
        dateUpdated: now,
      };
      v.sends += 1;
      v.channel = channel;
      v.dateUpdated = now;
      pending.set(to, v);
      lastCodes.set(to, v.code);
      onCode?.(to, v.code);
      return {
        ...json(v, ctx, false),
        lookup: { carrier: null },
        amount: null,
        payee: null,
        send_code_attempts: [{ time: now.toISOString(), channel, attempt_sid: makeSid('VE').replace(/^VE/, 'VL') }],
        sna: null,
        url: `https://verify.twilio.com/v2/Services/${ctx.serviceSid}/Verifications/${v.sid}`,
      };
    },

    check(ctx: VerifyContext, form: URLSearchParams) {
      const to = form.get('To') ?? '';
      const code = form.get('Code') ?? '';
      if (to === '') throw new LocalTwilioError(400, 60200, 'Invalid parameter: To');
      const v = live(to);
      if (v === undefined) throw new LocalTwilioError(404, 20404, 'The requested resource was not found');
      v.checks += 1;
      if (v.checks > MAX_CHECKS) throw new LocalTwilioError(429, 60202, 'Max check attempts reached');
      const valid = code === v.code;
      v.dateUpdated = clock.now();
      if (valid) {
        v.status = 'approved';
        pending.delete(to);
      }
      return { ...json(v, ctx, valid), amount: null, payee: null, sna_attempts_error_codes: [] };
    },

    lastCode(to: string): string | undefined {
      return lastCodes.get(bareAddress(to));
    },

    reset(): void {
      pending = new Map();
      sendTimes = new Map();
      lastCodes = new Map();
    },
  };
}
export type VerifyStore = ReturnType<typeof makeVerifyStore>;
