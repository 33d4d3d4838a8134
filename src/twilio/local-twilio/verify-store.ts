// Verify v2 as Twilio documents it. One verification per number at a time; it lives 10 minutes
// from its creation. A start while one is pending sends the same code under the same SID and
// counts a send, but does not reset its checks; the 6th send of one verification is 429/60203.
// The 6th check of one verification is 429/60202, even with the right code. A verification that
// was approved, canceled or has expired is gone: checking or updating it is 404/20404, and the
// next start creates a new one with fresh sends and checks.
import { randomInt } from 'node:crypto';
import type { Clock } from '../../clock';
import { isE164 } from '../../phone';
import { LocalTwilioError } from './http-io';
import { bareAddress, makeSid } from './sids';

const LIFETIME_MS = 10 * 60 * 1000;
const MAX_CHECKS = 5;
const MAX_SENDS = 5;
// verification_enum_channel in Twilio's OpenAPI description.
const CHANNELS = new Set(['sms', 'call', 'email', 'whatsapp', 'sna']);
// verification_enum_status: the only statuses an update may set.
const UPDATE_STATUSES = new Set(['canceled', 'approved']);

type SendAttempt = { time: Date; channel: string; attemptSid: string };

type Verification = {
  sid: string;
  to: string;
  channel: string;
  code: string;
  status: 'pending' | 'approved' | 'canceled';
  checks: number;
  sends: SendAttempt[];
  dateCreated: Date;
  dateUpdated: Date;
};

export type VerifyContext = { accountSid: string; serviceSid: string };

const notFound = () => new LocalTwilioError(404, 20404, 'The requested resource was not found');

// Twilio's examples write Verify dates as ISO 8601 to the second: "2015-07-30T20:00:00Z".
function verifyDate(date: Date): string {
  return date.toISOString().replace(/\.[0-9]{3}Z$/, 'Z');
}

function common(v: Verification, ctx: VerifyContext) {
  return {
    sid: v.sid,
    service_sid: ctx.serviceSid,
    account_sid: ctx.accountSid,
    to: v.to,
    channel: v.channel,
    status: v.status,
    valid: v.status === 'approved',
    amount: null,
    payee: null,
    date_created: verifyDate(v.dateCreated),
    date_updated: verifyDate(v.dateUpdated),
  };
}

/** The Verification resource (verify.v2.service.verification). */
function verificationJson(v: Verification, ctx: VerifyContext) {
  return {
    ...common(v, ctx),
    lookup: {},
    send_code_attempts: v.sends.map((s) => ({
      time: verifyDate(s.time),
      channel: s.channel,
      attempt_sid: s.attemptSid,
    })),
    sna: null,
    url: `https://verify.twilio.com/v2/Services/${ctx.serviceSid}/Verifications/${v.sid}`,
  };
}

/** The VerificationCheck resource (verify.v2.service.verification_check). */
function checkJson(v: Verification, ctx: VerifyContext) {
  return { ...common(v, ctx), sna_attempts_error_codes: [] };
}

function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function makeVerifyStore(clock: Clock, onCode?: (to: string, code: string) => void) {
  let pending = new Map<string, Verification>();
  let lastCodes = new Map<string, string>();

  /** The number's pending verification; one past its 10 minutes is dropped, as Twilio expires it. */
  const live = (to: string): Verification | undefined => {
    const v = pending.get(to);
    if (v === undefined) return undefined;
    if (clock.now().getTime() - v.dateCreated.getTime() >= LIFETIME_MS) {
      pending.delete(to);
      return undefined;
    }
    return v;
  };

  const liveBySid = (sid: string): Verification | undefined => {
    const match = [...pending.values()].find((v) => v.sid === sid);
    return match === undefined ? undefined : live(match.to);
  };

  const create = (to: string, channel: string, code: string): Verification => {
    const now = clock.now();
    const v: Verification = {
      sid: makeSid('VE'),
      to,
      channel,
      code,
      status: 'pending',
      checks: 0,
      sends: [],
      dateCreated: now,
      dateUpdated: now,
    };
    pending.set(to, v);
    return v;
  };

  const end = (v: Verification, status: 'approved' | 'canceled'): void => {
    v.status = status;
    v.dateUpdated = clock.now();
    pending.delete(v.to);
  };

  return {
    /** POST /v2/Services/{ServiceSid}/Verifications: 201 with the new or the pending verification. */
    start(ctx: VerifyContext, form: URLSearchParams) {
      const to = form.get('To') ?? '';
      const channel = form.get('Channel') ?? '';
      if (!isE164(to)) throw new LocalTwilioError(400, 60200, 'Invalid parameter `To`');
      if (!CHANNELS.has(channel)) throw new LocalTwilioError(400, 60200, 'Invalid parameter: Channel');
      const existing = live(to);
      if (existing !== undefined && existing.sends.length >= MAX_SENDS)
        throw new LocalTwilioError(429, 60203, 'Max send attempts reached');
      const v = existing ?? create(to, channel, newCode());
      const now = clock.now();
      v.sends.push({ time: now, channel, attemptSid: makeSid('VL') });
      v.channel = channel;
      v.dateUpdated = now;
      lastCodes.set(to, v.code);
      onCode?.(to, v.code);
      return verificationJson(v, ctx);
    },

    /** POST /v2/Services/{ServiceSid}/VerificationCheck: 200 with pending (wrong code) or approved. */
    check(ctx: VerifyContext, form: URLSearchParams) {
      const to = form.get('To') ?? '';
      const sid = form.get('VerificationSid') ?? '';
      const code = form.get('Code') ?? '';
      if (to === '' && sid === '') throw new LocalTwilioError(400, 60200, 'Invalid parameter: To');
      if (code === '') throw new LocalTwilioError(400, 60200, 'Invalid parameter: Code');
      const v = sid !== '' ? liveBySid(sid) : live(to);
      if (v === undefined) throw notFound();
      if (v.checks >= MAX_CHECKS) throw new LocalTwilioError(429, 60202, 'Max check attempts reached');
      v.checks += 1;
      v.dateUpdated = clock.now();
      if (code === v.code) end(v, 'approved');
      return checkJson(v, ctx);
    },

    /**
     * POST /v2/Services/{ServiceSid}/Verifications/{Sid}, where Sid may be the VE SID or the number:
     * 200 with the verification in its new status; 20404 when none is pending.
     */
    update(ctx: VerifyContext, sidOrTo: string, form: URLSearchParams) {
      const status = form.get('Status') ?? '';
      if (!UPDATE_STATUSES.has(status)) throw new LocalTwilioError(400, 60200, 'Invalid parameter: Status');
      const v = sidOrTo.startsWith('VE') ? liveBySid(sidOrTo) : live(sidOrTo);
      if (v === undefined) throw notFound();
      end(v, status as 'approved' | 'canceled');
      return verificationJson(v, ctx);
    },

    /** The code last issued to this number, pending or not (the control API's "latest code"). */
    lastCode(to: string): string | undefined {
      return lastCodes.get(bareAddress(to));
    },

    /** The code the number's pending verification accepts, if one is pending. */
    pendingCode(to: string): string | undefined {
      return live(bareAddress(to))?.code;
    },

    /**
     * Makes the number's pending verification accept `code`, starting one if none is pending,
     * without a send. For tests and local tools that need to know the code in advance.
     */
    setCode(to: string, code: string): void {
      const number = bareAddress(to);
      const v = live(number) ?? create(number, 'sms', code);
      v.code = code;
      lastCodes.set(number, code);
    },

    reset(): void {
      pending = new Map();
      lastCodes = new Map();
    },
  };
}
export type VerifyStore = ReturnType<typeof makeVerifyStore>;
