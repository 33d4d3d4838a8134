// The pieces of `npm run chat`: build a signed inbound WhatsApp webhook the way Twilio sends it,
// and read the bot's replies and the latest verification code from the local stand-in.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export type ChatIdentity = {
  webhookUrl: string;
  accountSid: string;
  authToken: string;
  /** The bot's number, "whatsapp:+E164". */
  botAddress: string;
  /** The person's number, E.164. */
  phone: string;
  profileName: string;
};

export type LocalReply = { sid: string; body: string };

/** Posts one message as a Twilio-signed webhook; resolves with the HTTP status. */
export async function postInboundMessage(identity: ChatIdentity, body: string): Promise<number> {
  const params: Record<string, string> = {
    MessageSid: 'SM' + randomBytes(16).toString('hex'),
    AccountSid: identity.accountSid,
    From: `whatsapp:${identity.phone}`,
    To: identity.botAddress,
    Body: body,
    NumMedia: '0',
    ProfileName: identity.profileName,
    WaId: identity.phone.slice(1),
  };
  const response = await fetch(identity.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(identity.authToken, identity.webhookUrl, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Every message the stand-in has recorded for this number, oldest first. */
export async function fetchReplies(standInUrl: string, phone: string): Promise<LocalReply[]> {
  const response = await fetch(`${standInUrl}/_local/messages?to=${encodeURIComponent(`whatsapp:${phone}`)}`);
  if (!response.ok) throw new Error(`local Twilio answered ${response.status}`);
  const { messages } = (await response.json()) as { messages: LocalReply[] };
  return messages.map(({ sid, body }) => ({ sid, body }));
}

/** The last verification code issued for this number, if any. */
export async function fetchLatestCode(standInUrl: string, phone: string): Promise<string | undefined> {
  const response = await fetch(`${standInUrl}/_local/verifications/latest?to=${encodeURIComponent(phone)}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`local Twilio answered ${response.status}`);
  return ((await response.json()) as { code: string }).code;
}

/** The chat number from the command line: `--phone +44...`, `--phone=+44...` or a bare number. */
export function chatPhoneFromArgs(args: readonly string[], fallback: string): string {
  const index = args.indexOf('--phone');
  if (index >= 0) return args[index + 1] ?? '';
  const inline = args.find((arg) => arg.startsWith('--phone='));
  if (inline !== undefined) return inline.slice('--phone='.length);
  return args.find((arg) => !arg.startsWith('--')) ?? fallback;
}
