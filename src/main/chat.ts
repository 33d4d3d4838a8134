// `npm run chat`: talk to the locally running bot (`npm run dev`) from the terminal. Each line is
// posted as a signed Twilio WhatsApp webhook; `/photo <path>` (or /pdf, /file) sends a file as
// WhatsApp media, stored on the stand-in like Twilio stores it. Replies are read back from the
// local Twilio stand-in, along with any verification code it issued. Ctrl-D ends the chat.
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../config';
import { isE164 } from '../phone';
import {
  chatPhoneFromArgs,
  fetchLatestCode,
  fetchReplies,
  FILE_COMMANDS_HELP,
  parseChatLine,
  postInboundMessage,
  sendFileMessage,
  type ChatIdentity,
} from '../twilio/chat-session';

const DEFAULT_PHONE = '+447700900123';
const POLL_MS = 300;
/** After Ctrl-D, replies still in flight get this long to arrive. */
const DRAIN_MS = 2_000;

const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  const phone = chatPhoneFromArgs(process.argv.slice(2), DEFAULT_PHONE);
  if (!isE164(phone)) throw new Error(`not an E.164 number: ${phone} (use --phone +447700900123)`);
  if (config.twilio.mode !== 'local')
    print('Twilio credentials are set: replies go to real Twilio and will not show here.');
  const standInUrl = `http://127.0.0.1:${config.localTwilioPort}`;
  const identity: ChatIdentity = {
    webhookUrl: `${config.publicBaseUrl}/webhooks/twilio/whatsapp`,
    accountSid: config.twilio.accountSid,
    authToken: config.twilio.authToken,
    botAddress: config.twilio.whatsappFrom,
    phone,
    profileName: 'Local Chat',
  };

  // Replies and codes from earlier chats are not shown again.
  const seen = new Set<string>();
  let lastCode: string | undefined;
  try {
    for (const reply of await fetchReplies(standInUrl, phone)) seen.add(reply.sid);
    lastCode = await fetchLatestCode(standInUrl, phone);
  } catch {
    throw new Error(`cannot reach the local Twilio stand-in at ${standInUrl}: is \`npm run dev\` running?`);
  }

  const poll = async () => {
    for (const reply of await fetchReplies(standInUrl, phone)) {
      if (seen.has(reply.sid)) continue;
      seen.add(reply.sid);
      print(`bot> ${reply.body.replace(/\n/g, '\n     ')}`);
    }
    const code = await fetchLatestCode(standInUrl, phone);
    if (code !== undefined && code !== lastCode) {
      lastCode = code;
      print(`     (local Twilio: the verification code sent to ${phone} is ${code})`);
    }
  };
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    poll()
      .catch((error: unknown) => print(`     (could not read replies: ${(error as Error).message})`))
      .finally(() => (polling = false));
  }, POLL_MS);

  print(`Chatting as ${phone} with ${identity.webhookUrl}. Type a message; Ctrl-D to quit.`);
  print(`(${FILE_COMMANDS_HELP})`);
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const parsed = parseChatLine(line);
    if (parsed.kind === 'usage') {
      print(`     (${parsed.message})`);
      continue;
    }
    if (parsed.kind === 'text' && parsed.body === '') continue;
    try {
      if (parsed.kind === 'file') {
        // The MediaUrl must be on the API the bot fetches from: only the stand-in can serve it.
        if (config.twilio.mode !== 'local') {
          print('     (files can only be sent through the local Twilio stand-in: unset the Twilio credentials)');
          continue;
        }
        const sent = await sendFileMessage(identity, standInUrl, parsed);
        print(`     (sent ${path.basename(parsed.path)} as ${sent.contentType}, ${sent.size} bytes)`);
        if (sent.status !== 200) print(`     (webhook answered ${sent.status})`);
        continue;
      }
      const status = await postInboundMessage(identity, parsed.body);
      if (status !== 200) print(`     (webhook answered ${status})`);
    } catch (error) {
      print(`     (could not post the message: ${(error as Error).message})`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  clearInterval(timer);
  await poll().catch(() => undefined);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);
