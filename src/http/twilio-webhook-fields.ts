// The fields of Twilio's inbound WhatsApp and status-callback webhooks the service relies on.
// Unknown fields are ignored: Twilio adds fields over time.
import { z } from 'zod';
import type { TwilioConfig } from '../config';
import type { InboundMessage, MessageStatusJob } from '../jobs/queues';
import { onTwilioApiOrigin, twilioApiOrigin } from '../tickets/twilio-media-url';

const MAX_MEDIA = 10;
const whatsAppAddress = z.string().regex(/^whatsapp:\+[1-9][0-9]{1,14}$/, 'must be whatsapp:+E164');

const inboundFields = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID'),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID'),
  From: whatsAppAddress,
  To: whatsAppAddress,
  Body: z.string().max(4096).default(''),
  ProfileName: z.string().max(256).optional(),
  NumMedia: z.coerce.number().int().min(0).max(MAX_MEDIA).default(0),
});

const mediaContentType = z
  .string()
  .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type')
  .max(255);

/**
 * Parses Twilio's form into the inbound job payload, or returns a one-line reason. Media must be
 * on Twilio's API origin (TWILIO_API_BASE_URL's when set, as for the local stand-in).
 */
export function parseInboundWebhook(
  form: Record<string, string>,
  receivedAt: Date,
  twilio: Pick<TwilioConfig, 'apiBaseUrl'>,
): { ok: true; job: InboundMessage } | { ok: false; reason: string } {
  const parsed = inboundFields.safeParse(form);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const fields = parsed.data;
  const media: InboundMessage['media'] = [];
  for (let i = 0; i < fields.NumMedia; i++) {
    const url = z.url().safeParse(form[`MediaUrl${i}`]);
    const contentType = mediaContentType.safeParse(form[`MediaContentType${i}`]);
    if (!url.success) return { ok: false, reason: `MediaUrl${i}: must be a URL` };
    if (!onTwilioApiOrigin(twilio, url.data)) {
      return { ok: false, reason: `MediaUrl${i}: must be on ${twilioApiOrigin(twilio)}` };
    }
    if (!contentType.success) return { ok: false, reason: `MediaContentType${i}: must be a MIME type` };
    media.push({ url: url.data, contentType: contentType.data });
  }
  return {
    ok: true,
    job: {
      messageSid: fields.MessageSid,
      from: fields.From,
      to: fields.To,
      // Lone surrogates from odd clients would break JSON consumers later; normalise here.
      body: fields.Body.toWellFormed().normalize('NFC'),
      ...(fields.ProfileName !== undefined && { profileName: fields.ProfileName.toWellFormed() }),
      media,
      receivedAt: receivedAt.toISOString(),
    },
  };
}

const statusFields = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID'),
  MessageStatus: z.string().regex(/^[a-z_-]{1,32}$/, 'must be a Twilio message status'),
  ErrorCode: z
    .string()
    .regex(/^[0-9]{1,16}$/)
    .optional(),
  // The recipient: a failure that says the number cannot receive WhatsApp messages marks it.
  To: z
    .string()
    .regex(/^whatsapp:\+[1-9][0-9]{1,14}$/)
    .optional()
    .catch(undefined),
});

export function parseStatusWebhook(
  form: Record<string, string>,
  receivedAt: Date,
): { ok: true; job: Omit<MessageStatusJob, 'sealedTo'> & { to?: string } } | { ok: false; reason: string } {
  const parsed = statusFields.safeParse(form);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  return {
    ok: true,
    job: {
      messageSid: parsed.data.MessageSid,
      messageStatus: parsed.data.MessageStatus,
      ...(parsed.data.ErrorCode !== undefined && { errorCode: parsed.data.ErrorCode }),
      ...(parsed.data.To !== undefined && { to: parsed.data.To }),
      receivedAt: receivedAt.toISOString(),
    },
  };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'form'}: ${issue.message}`;
}
