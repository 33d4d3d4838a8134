// `npm run chat`: talk to the locally running bot (`npm run dev`) from the terminal. Each line is
// posted as a signed Twilio WhatsApp webhook; `/photo <path>` (or /pdf, /file) sends a file as
// WhatsApp media, stored on the stand-in like Twilio stores it. Replies are read back from the
// local Twilio stand-in, along with any verification code it issued. `/event <kind>` publishes a
// claim event for the user's latest journey to the inbound events stream, `/window close|open`
// flips the number's WhatsApp 24-hour window on the stand-in, `/help` lists them. Ctrl-D ends.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { RedisClient } from '../redis';
import { loadDevConfig, type Config } from '../config';
import { makePool, type Pool } from '../db/pool';
import { chatTargets, type ChatTargets } from '../dev/chat-targets';
import { devServerFilePath, readDevServerFile } from '../dev/dev-server-file';
import { appendInboundEvent } from '../inbound-events/event-stream';
import { isE164 } from '../phone';
import { makeRedis } from '../redis';
import { listJourneys } from '../repos/journeys';
import { findUserByPhone } from '../repos/users';
import { buildChatEvent, type ChatEventCommand } from '../twilio/chat-events';
import {
  CHAT_HELP,
  chatPhoneFromArgs,
  fetchLatestCode,
  fetchReplies,
  parseChatLine,
  postInboundMessage,
  sendFileMessage,
  setLocalWindow,
  type ChatIdentity,
} from '../twilio/chat-session';

const DEFAULT_PHONE = '+447700900123';
const POLL_MS = 300;
/** After Ctrl-D, replies still in flight get this long to arrive. */
const DRAIN_MS = 2_000;
/** How long `/event` waits for Redis before saying it cannot reach it. */
const REDIS_WAIT_MS = 3_000;

const print = (line: string) => process.stdout.write(`${line}\n`);
const CHECKOUT = path.join(__dirname, '../..');

/** Connections for `/event`, opened on first use: a chat that never sends one needs neither. */
function makeEventPublisher(config: Config, targets: ChatTargets) {
  let db: Pool | undefined;
  let redis: RedisClient | undefined;

  async function connectedRedis(): Promise<RedisClient> {
    if (redis === undefined) {
      // 'web': a command fails at once rather than waiting for a Redis that is not there.
      redis = makeRedis(config, 'web');
      redis.on('error', () => undefined);
    }
    const connection = redis;
    if (connection.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${config.redisUrl}`)), REDIS_WAIT_MS);
        connection.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return connection;
  }

  return {
    /** Publishes the event for the number's latest journey; resolves with a line for the chat. */
    async publish(phone: string, command: ChatEventCommand): Promise<string> {
      db ??= makePool(targets.databaseUrl, { max: 1, applicationName: 'whatsapp-handler-chat' });
      const user = await findUserByPhone(db, phone);
      if (user === undefined) return `no user for ${phone} yet: sign up in this chat first`;
      const [journey] = await listJourneys(db, user.id, 1);
      if (journey === undefined) return `${phone} has no journey yet: report a delayed journey first`;
      const event = buildChatEvent(command, {
        journeyId: journey.id,
        userId: user.id,
        eventId: randomUUID(),
        occurredAt: new Date(),
      });
      await appendInboundEvent(await connectedRedis(), targets.inboundEventsStream, event);
      return `published ${event.eventType} for journey ${journey.reference} to ${targets.inboundEventsStream}`;
    },
    async close(): Promise<void> {
      redis?.disconnect();
      await db?.end();
    },
  };
}

async function main(): Promise<void> {
  // The same per-checkout defaults as `npm run dev`; a running dev server's own file comes first.
  const { config } = loadDevConfig(CHECKOUT);
  const targets = chatTargets(config, await readDevServerFile(devServerFilePath(config.devServerFile, CHECKOUT)));
  const phone = chatPhoneFromArgs(process.argv.slice(2), DEFAULT_PHONE);
  if (!isE164(phone)) throw new Error(`not an E.164 number: ${phone} (use --phone +447700900123)`);
  if (config.twilio.mode !== 'local')
    print('Twilio credentials are set: replies go to real Twilio and will not show here.');
  const standInUrl = targets.standInUrl;
  const identity: ChatIdentity = {
    webhookUrl: targets.webhookUrl,
    accountSid: config.twilio.accountSid,
    authToken: config.twilio.authToken,
    botAddress: config.twilio.whatsappFrom,
    phone,
    profileName: 'Local Chat',
  };

  // Replies and codes from earlier chats are not shown again.
  const seen = new Set<string>();
  // Replies whose failed delivery (a closed window, a delivery error) has been told.
  const failed = new Set<string>();
  let lastCode: string | undefined;
  try {
    for (const reply of await fetchReplies(standInUrl, phone)) {
      seen.add(reply.sid);
      if (reply.errorCode !== null) failed.add(reply.sid);
    }
    lastCode = await fetchLatestCode(standInUrl, phone);
  } catch {
    throw new Error(`cannot reach the local Twilio stand-in at ${standInUrl}: is \`npm run dev\` running?`);
  }

  const poll = async () => {
    for (const reply of await fetchReplies(standInUrl, phone)) {
      if (!seen.has(reply.sid)) {
        seen.add(reply.sid);
        print(`bot> ${reply.body.replace(/\n/g, '\n     ')}`);
      }
      if (reply.errorCode !== null && !failed.has(reply.sid)) {
        failed.add(reply.sid);
        print(`     (local Twilio: that reply was not delivered: ${reply.status}, error ${reply.errorCode})`);
      }
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

  print(`Chatting as ${phone} with ${identity.webhookUrl} (from ${targets.source}). Type a message; Ctrl-D to quit.`);
  print('(/help lists the local commands: files, claim events, the WhatsApp window)');
  const events = makeEventPublisher(config, targets);
  let windowClosed = false;
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const parsed = parseChatLine(line);
    if (parsed.kind === 'usage') {
      print(`     (${parsed.message})`);
      continue;
    }
    if (parsed.kind === 'help') {
      print(CHAT_HELP.replace(/^/gm, '     '));
      continue;
    }
    if (parsed.kind === 'text' && parsed.body === '') continue;
    try {
      if (parsed.kind === 'event') {
        print(`     (${await events.publish(phone, parsed.command)})`);
        continue;
      }
      if (parsed.kind === 'window') {
        if (config.twilio.mode !== 'local') {
          print('     (the window can only be switched on the local Twilio stand-in: unset the Twilio credentials)');
          continue;
        }
        await setLocalWindow(standInUrl, phone, parsed.open);
        windowClosed = !parsed.open;
        print(
          parsed.open
            ? '     (local Twilio: your 24-hour window is open)'
            : '     (local Twilio: your 24-hour window is closed until you write again: free-form replies end undelivered, 63016)',
        );
        continue;
      }
      // A message from the user opens a new 24-hour window, as on WhatsApp.
      if (windowClosed) {
        await setLocalWindow(standInUrl, phone, true);
        windowClosed = false;
        print('     (local Twilio: your message opens a new 24-hour window)');
      }
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
      print(`     (could not do that: ${(error as Error).message})`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  clearInterval(timer);
  await poll().catch(() => undefined);
  await events.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);
