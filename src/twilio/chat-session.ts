// The pieces of `npm run chat`: build a signed inbound WhatsApp webhook the way Twilio sends it,
// send a file as a WhatsApp photo or document would arrive (stored on the local stand-in, its
// MediaUrl in the webhook), and read the bot's replies and the latest verification code from the
// local stand-in.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { EVENT_COMMAND_HELP, parseEventCommand, type ChatEventCommand } from './chat-events';

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

/** A bot reply as the stand-in recorded it; `errorCode` once its delivery failed. */
export type LocalReply = { sid: string; body: string; status: string; errorCode: number | null };

/** One attachment as Twilio's webhook lists it (MediaUrlN, MediaContentTypeN). */
export type InboundMedia = { url: string; contentType: string };

const newMessageSid = (prefix: 'SM' | 'MM') => prefix + randomBytes(16).toString('hex');

/**
 * Posts one message as a Twilio-signed webhook; resolves with the HTTP status. With media, the
 * message SID should be the one in the media's URL, as Twilio's is.
 */
export async function postInboundMessage(
  identity: ChatIdentity,
  body: string,
  options: { messageSid?: string; media?: readonly InboundMedia[] } = {},
): Promise<number> {
  const media = options.media ?? [];
  const params: Record<string, string> = {
    MessageSid: options.messageSid ?? newMessageSid('SM'),
    AccountSid: identity.accountSid,
    From: `whatsapp:${identity.phone}`,
    To: identity.botAddress,
    Body: body,
    NumMedia: String(media.length),
    ProfileName: identity.profileName,
    WaId: identity.phone.slice(1),
  };
  media.forEach((item, i) => {
    params[`MediaUrl${i}`] = item.url;
    params[`MediaContentType${i}`] = item.contentType;
  });
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
  const { messages } = (await response.json()) as {
    messages: Array<{ sid: string; body: string; status: string; error_code: number | null }>;
  };
  return messages.map(({ sid, body, status, error_code }) => ({ sid, body, status, errorCode: error_code }));
}

/** Closes or opens the number's WhatsApp 24-hour window on the stand-in (POST /_local/whatsapp-window). */
export async function setLocalWindow(standInUrl: string, phone: string, open: boolean): Promise<void> {
  const response = await fetch(`${standInUrl}/_local/whatsapp-window`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ To: `whatsapp:${phone}`, Open: String(open) }).toString(),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`local Twilio answered ${response.status}`);
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

/** A chat line: text to send, a file to send as media, a local command, or a command used wrongly. */
export type ChatLine =
  | { kind: 'text'; body: string }
  | { kind: 'file'; path: string; fallbackType: string }
  | { kind: 'event'; command: ChatEventCommand }
  | { kind: 'window'; open: boolean }
  | { kind: 'help' }
  | { kind: 'usage'; message: string };

// What each command declares when the extension says nothing: /photo claims a JPEG as a phone
// would, so `/photo something.exe` tries a file that lies about its type.
const FILE_COMMANDS = new Map([
  ['/photo', 'image/jpeg'],
  ['/pdf', 'application/pdf'],
  ['/file', 'application/octet-stream'],
]);

export const FILE_COMMANDS_HELP = '/photo <path>, /pdf <path> or /file <path> sends a file as WhatsApp media';

/** Every local command, one a line, for `/help`. */
export const CHAT_HELP = [
  FILE_COMMANDS_HELP,
  `${EVENT_COMMAND_HELP}: a claim event for your latest journey`,
  '/window close|open: closes or opens your WhatsApp 24-hour window on the local Twilio (writing opens it)',
  '/help: this list; anything else is sent to the bot',
].join('\n');

/**
 * Reads one typed line: `/photo <path>`, `/pdf <path>`, `/file <path>`, `/event <kind> [args]`,
 * `/window close|open`, `/help`, or text for the bot.
 */
export function parseChatLine(line: string): ChatLine {
  const text = line.trim();
  const command = text.split(/\s+/, 1)[0] ?? '';
  const args = text.slice(command.length).trim();
  switch (command.toLowerCase()) {
    case '/help':
      return { kind: 'help' };
    case '/event': {
      const parsed = parseEventCommand(args);
      return parsed.ok ? { kind: 'event', command: parsed.command } : { kind: 'usage', message: parsed.usage };
    }
    case '/window':
      if (args === 'close' || args === 'open') return { kind: 'window', open: args === 'open' };
      return { kind: 'usage', message: 'usage: /window close|open' };
  }
  const fallbackType = FILE_COMMANDS.get(command.toLowerCase());
  if (fallbackType === undefined) return { kind: 'text', body: text };
  // The rest of the line is the path, spaces and all; a dragged-in path may come quoted.
  const raw = text
    .slice(command.length)
    .trim()
    .replace(/^(['"])(.*)\1$/, '$2');
  if (raw === '') return { kind: 'usage', message: `usage: ${command} <path to a file>` };
  const expanded = raw === '~' || raw.startsWith('~/') ? path.join(homedir(), raw.slice(1)) : raw;
  return { kind: 'file', path: expanded, fallbackType };
}

const TYPES_BY_EXTENSION = new Map([
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.png', 'image/png'],
  ['.webp', 'image/webp'],
  ['.gif', 'image/gif'],
  ['.heic', 'image/heic'],
  ['.pdf', 'application/pdf'],
]);

/** The content type WhatsApp would declare for the file, from its extension; else the fallback. */
export function contentTypeForFile(file: string, fallback: string): string {
  return TYPES_BY_EXTENSION.get(path.extname(file).toLowerCase()) ?? fallback;
}

/** Stores a file on the local stand-in as media of a message; resolves with its MediaUrl. */
export async function registerLocalMedia(
  standInUrl: string,
  file: { bytes: Buffer; contentType: string; messageSid: string },
): Promise<{ url: string; mediaSid: string }> {
  const response = await fetch(`${standInUrl}/_local/media?messageSid=${encodeURIComponent(file.messageSid)}`, {
    method: 'POST',
    headers: { 'content-type': file.contentType },
    body: file.bytes,
  });
  if (response.status !== 201) {
    await response.arrayBuffer();
    throw new Error(`local Twilio answered ${response.status} when storing the file`);
  }
  const { url, mediaSid } = (await response.json()) as { url: string; mediaSid: string };
  return { url, mediaSid };
}

export type SentFile = { status: number; contentType: string; size: number };

/** Sends a file as a media message with no text: stored on the stand-in, then posted as a webhook. */
export async function sendFileMessage(
  identity: ChatIdentity,
  standInUrl: string,
  file: { path: string; fallbackType: string },
): Promise<SentFile> {
  const bytes = await readFile(file.path);
  const contentType = contentTypeForFile(file.path, file.fallbackType);
  // Twilio gives a message with media an MM SID, and the MediaUrl sits under it.
  const messageSid = newMessageSid('MM');
  const { url } = await registerLocalMedia(standInUrl, { bytes, contentType, messageSid });
  const status = await postInboundMessage(identity, '', { messageSid, media: [{ url, contentType }] });
  return { status, contentType, size: bytes.length };
}
