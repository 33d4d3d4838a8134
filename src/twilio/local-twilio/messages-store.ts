// The Messages resource: validates and records every message, in the JSON shape of
// api.v2010.account.message.
import type { Clock } from '../../clock';
import { isE164 } from '../../phone';
import { LocalTwilioError } from './http-io';
import { bareAddress, makeSid, twilioDate } from './sids';

export type LocalMessage = {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  statusCallback: string | undefined;
  status: 'queued' | 'sent' | 'delivered';
  dateCreated: Date;
  dateUpdated: Date;
};

export function messageJson(m: LocalMessage) {
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: twilioDate(m.dateCreated),
    date_sent: m.status === 'queued' ? null : twilioDate(m.dateUpdated),
    date_updated: twilioDate(m.dateUpdated),
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
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

export function makeMessagesStore(clock: Clock) {
  let messages: LocalMessage[] = [];
  // Indexes, so lookups stay cheap however many messages a long dev session or a benchmark sends.
  let bySid = new Map<string, LocalMessage>();
  let byRecipient = new Map<string, LocalMessage[]>();
  return {
    create(accountSid: string, form: URLSearchParams): LocalMessage {
      const to = form.get('To') ?? '';
      const from = form.get('From') ?? '';
      const body = form.get('Body') ?? '';
      if (to === '') throw new LocalTwilioError(400, 21604, "A 'To' phone number is required.");
      if (!isE164(bareAddress(to))) throw new LocalTwilioError(400, 21211, `Invalid 'To' Phone Number`);
      if (from === '') throw new LocalTwilioError(400, 21603, "A 'From' phone number is required.");
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
        statusCallback: form.get('StatusCallback') ?? undefined,
        status: 'queued',
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
    setStatus(message: LocalMessage, status: LocalMessage['status']): void {
      message.status = status;
      message.dateUpdated = clock.now();
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
    },
  };
}
export type MessagesStore = ReturnType<typeof makeMessagesStore>;
