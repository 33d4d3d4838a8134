// The Messages resource: validates and records every message, in the JSON shape of
// api.v2010.account.message. A message is free-form text (Body) or a Content template (ContentSid),
// stored with the template's text; how its delivery ends is decided when it is created, from the
// recipient's WhatsApp window and any delivery error set for the number (the local switches).
import type { Clock } from '../../clock';
import { isE164 } from '../../phone';
import type { ContentStore } from './content-store';
import { LocalTwilioError } from './http-io';
import { bareAddress, makeSid, twilioDate } from './sids';

/** Twilio's error for a free-form message outside the 24-hour window; reported after the 201. */
export const OUTSIDE_WINDOW = 63016;

// The error_message Twilio gives the codes the stand-in reports; any other code gets a generic one.
const ERROR_MESSAGES = new Map([
  [63016, 'Failed to send freeform message because you are outside the allowed window.'],
  [63024, 'Invalid message recipient'],
  [63032, 'We cannot send this message to this user because of a WhatsApp limitation.'],
]);

export type FinalStatus = 'delivered' | 'undelivered' | 'failed';
/** One status Twilio reports for a message, as its status callback carries it. */
export type DeliveryStep = { status: 'sent' | FinalStatus; errorCode?: number };
/** What `POST /_local/delivery-errors` sets for a number: how each later message to it ends. */
export type DeliveryError = { errorCode: number; status: 'failed' | 'undelivered' };

export type LocalMessage = {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  /** The template it was sent with (its text is in `body`), or undefined for free-form text. */
  contentSid: string | undefined;
  statusCallback: string | undefined;
  status: 'queued' | DeliveryStep['status'];
  errorCode: number | undefined;
  /** The statuses its delivery goes through, decided when it was created. */
  steps: DeliveryStep[];
  dateCreated: Date;
  dateUpdated: Date;
};

export function messageJson(m: LocalMessage) {
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: twilioDate(m.dateCreated),
    date_sent: m.status === 'queued' || m.status === 'failed' ? null : twilioDate(m.dateUpdated),
    date_updated: twilioDate(m.dateUpdated),
    direction: 'outbound-api',
    error_code: m.errorCode ?? null,
    error_message: m.errorCode === undefined ? null : (ERROR_MESSAGES.get(m.errorCode) ?? 'Message delivery failed'),
    from: m.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 160))),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
  };
}

export function makeMessagesStore(clock: Clock, content: ContentStore) {
  let messages: LocalMessage[] = [];
  // Indexes, so lookups stay cheap however many messages a long dev session or a benchmark sends.
  let bySid = new Map<string, LocalMessage>();
  let byRecipient = new Map<string, LocalMessage[]>();
  // The local switches, by bare number: every window is open unless closed here.
  let closedWindows = new Set<string>();
  let deliveryErrors = new Map<string, DeliveryError>();

  function stepsFor(to: string, contentSid: string | undefined): DeliveryStep[] {
    // Twilio accepts the message (201, queued) and learns of the failure from WhatsApp afterwards.
    const error = deliveryErrors.get(to);
    if (error !== undefined) return [{ status: error.status, errorCode: error.errorCode }];
    if (contentSid === undefined && closedWindows.has(to))
      return [{ status: 'undelivered', errorCode: OUTSIDE_WINDOW }];
    return [{ status: 'sent' }, { status: 'delivered' }];
  }

  return {
    create(accountSid: string, form: URLSearchParams): LocalMessage {
      const to = form.get('To') ?? '';
      const from = form.get('From') ?? '';
      const contentSid = form.get('ContentSid') ?? '';
      const variables = form.get('ContentVariables');
      if (to === '') throw new LocalTwilioError(400, 21604, "A 'To' phone number is required.");
      if (!isE164(bareAddress(to))) throw new LocalTwilioError(400, 21211, `Invalid 'To' Phone Number`);
      if (from === '') throw new LocalTwilioError(400, 21603, "A 'From' phone number is required.");
      if (contentSid === '' && variables !== null) throw new LocalTwilioError(400, 21654, 'ContentSid Required');
      // With a ContentSid the template is the message, as for Twilio; a Body beside it is not sent.
      const body = contentSid === '' ? (form.get('Body') ?? '') : content.render(contentSid, variables);
      if (body === '') throw new LocalTwilioError(400, 21602, 'Message body is required.');
      if (body.length > 1600)
        throw new LocalTwilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
      const now = clock.now();
      const message: LocalMessage = {
        sid: makeSid('SM'),
        accountSid,
        from,
        to,
        body,
        contentSid: contentSid === '' ? undefined : contentSid,
        statusCallback: form.get('StatusCallback') ?? undefined,
        status: 'queued',
        errorCode: undefined,
        steps: stepsFor(bareAddress(to), contentSid === '' ? undefined : contentSid),
        dateCreated: now,
        dateUpdated: now,
      };
      messages.push(message);
      bySid.set(message.sid, message);
      const recipient = bareAddress(to);
      const toRecipient = byRecipient.get(recipient);
      if (toRecipient) toRecipient.push(message);
      else byRecipient.set(recipient, [message]);
      return message;
    },
    get(sid: string): LocalMessage | undefined {
      return bySid.get(sid);
    },
    /** Moves the message to one of its delivery steps, as its status callback reports it. */
    advance(message: LocalMessage, step: DeliveryStep): void {
      message.status = step.status;
      message.errorCode = step.errorCode;
      message.dateUpdated = clock.now();
    },
    /**
     * Takes the message through every delivery step at once, where no status callback does it (the
     * in-process stores); returns the steps, which are what Twilio's callbacks would have reported.
     */
    settle(sid: string): DeliveryStep[] {
      const message = bySid.get(sid);
      if (message === undefined) throw new Error(`no message ${sid}`);
      for (const step of message.steps) this.advance(message, step);
      return message.steps;
    },
    /** Opens or closes the number's 24-hour window: while closed, free-form messages end 63016. */
    setWindow(to: string, open: boolean): void {
      if (open) closedWindows.delete(bareAddress(to));
      else closedWindows.add(bareAddress(to));
    },
    isWindowOpen(to: string): boolean {
      return !closedWindows.has(bareAddress(to));
    },
    /**
     * Every later message to the number ends with this error code (as `failed`, Twilio's status for
     * a message WhatsApp refused, unless told `undelivered`); undefined clears it.
     */
    setDeliveryError(to: string, errorCode: number | undefined, status: DeliveryError['status'] = 'failed'): void {
      if (errorCode === undefined) deliveryErrors.delete(bareAddress(to));
      else deliveryErrors.set(bareAddress(to), { errorCode, status });
    },
    deliveryError(to: string): DeliveryError | undefined {
      return deliveryErrors.get(bareAddress(to));
    },
    all(): LocalMessage[] {
      return [...messages];
    },
    to(to: string): LocalMessage[] {
      return [...(byRecipient.get(bareAddress(to)) ?? [])];
    },
    /** As Twilio lists them: newest first, filtered by To and From (with or without "whatsapp:"). */
    list(filter: { to?: string; from?: string; limit: number }): LocalMessage[] {
      const from = filter.from === undefined ? undefined : bareAddress(filter.from);
      return (filter.to === undefined ? [...messages] : this.to(filter.to))
        .filter((m) => from === undefined || bareAddress(m.from) === from)
        .reverse()
        .slice(0, filter.limit);
    },
    reset(): void {
      messages = [];
      bySid = new Map();
      byRecipient = new Map();
      closedWindows = new Set();
      deliveryErrors = new Map();
    },
  };
}
export type MessagesStore = ReturnType<typeof makeMessagesStore>;
