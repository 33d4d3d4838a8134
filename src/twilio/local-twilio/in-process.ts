// The stand-in's Messages and Verify stores behind the TwilioGateway, called in-process instead
// of over HTTP: same rules, same answers, same errors. For tests that need Twilio's behaviour
// without a server. Results and errors are mapped the way twilio-client.ts maps the official
// client's, so a caller cannot tell the two apart.
//
// No status callbacks run here: `messages.settle(sid)` takes a message to its end and returns what
// Twilio's callbacks would have reported, and `messages.setWindow` / `messages.setDeliveryError`
// are the stand-in's local switches (a closed 24-hour window, a delivery error for a number).
import { systemClock, type Clock } from '../../clock';
import type { TwilioGateway, VerificationStatus } from '../gateway';
import { toTwilioApiError } from '../twilio-client';
import { makeContentStore } from './content-store';
import { makeMessagesStore, type MessagesStore } from './messages-store';
import { makeVerifyStore, type VerifyStore } from './verify-store';

export type InProcessTwilioOptions = {
  accountSid: string;
  verifyServiceSid: string;
  /** The sender every message goes out from, "whatsapp:+E164" (the service's TWILIO_WHATSAPP_FROM). */
  from: string;
  clock?: Clock;
  onCode?: (to: string, code: string) => void;
};

export type InProcessTwilio = {
  gateway: Required<TwilioGateway>;
  messages: MessagesStore;
  verify: VerifyStore;
};

const VERIFY_NOT_FOUND = 20404;

/** Runs one store call; a refusal becomes the TwilioApiError the official client would have thrown. */
function answer<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toTwilioApiError(error);
  }
}

function form(fields: Record<string, string | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) params.set(name, value);
  return params;
}

export function makeInProcessTwilio(options: InProcessTwilioOptions): InProcessTwilio {
  const clock = options.clock ?? systemClock;
  const messages = makeMessagesStore(clock, makeContentStore({ accountSid: options.accountSid, clock }));
  const verify = makeVerifyStore(clock, options.onCode);
  const ctx = { accountSid: options.accountSid, serviceSid: options.verifyServiceSid };

  const gateway: Required<TwilioGateway> = {
    async sendMessage({ to, body, contentSid, contentVariables, statusCallback }) {
      const message = answer(() =>
        messages.create(
          options.accountSid,
          form({
            To: to,
            From: options.from,
            Body: body,
            ContentSid: contentSid,
            ContentVariables: contentVariables === undefined ? undefined : JSON.stringify(contentVariables),
            StatusCallback: statusCallback,
          }),
        ),
      );
      return { sid: message.sid, status: message.status };
    },

    async startVerification({ to, channel }) {
      const verification = answer(() => verify.start(ctx, form({ To: to, Channel: channel })));
      return { sid: verification.sid, status: verification.status as VerificationStatus };
    },

    async checkVerification({ to, code }) {
      const check = answer(() => verify.check(ctx, form({ To: to, Code: code })));
      return { status: check.status as VerificationStatus, valid: check.valid };
    },

    async cancelVerification({ to }) {
      try {
        answer(() => verify.update(ctx, to, form({ Status: 'canceled' })));
        return { canceled: true };
      } catch (error) {
        if (toTwilioApiError(error).code === VERIFY_NOT_FOUND) return { canceled: false };
        throw error;
      }
    },

    async recentMessages({ to, limit }) {
      return messages
        .list({ to, from: options.from, limit })
        .map((m) => ({ sid: m.sid, body: m.body, dateCreated: m.dateCreated }));
    },
  };

  return { gateway, messages, verify };
}
