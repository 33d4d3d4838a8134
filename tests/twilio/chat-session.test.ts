import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { fetchTicket } from '../../src/tickets/fetch-ticket';
import {
  chatPhoneFromArgs,
  contentTypeForFile,
  fetchLatestCode,
  fetchReplies,
  parseChatLine,
  postInboundMessage,
  sendFileMessage,
  type ChatIdentity,
} from '../../src/twilio/chat-session';
import type { LocalTwilio } from '../../src/twilio/local-twilio';
import { ACCOUNT_SID, AUTH_TOKEN, FROM, startStandIn, twilioConfig } from './helpers';

const PHONE = '+447700900123';

type Captured = { signature: string; params: Record<string, string> };

function fileLine(text: string): { path: string; fallbackType: string } {
  const line = parseChatLine(text);
  if (line.kind !== 'file') throw new Error(`not a file line: ${text}`);
  return line;
}

/** A webhook receiver that keeps the last request's signature and form fields. */
async function startReceiver(): Promise<{ server: Server; webhookUrl: string; last: () => Captured | undefined }> {
  let captured: Captured | undefined;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      captured = {
        signature: String(req.headers['x-twilio-signature']),
        params: Object.fromEntries(new URLSearchParams(text)),
      };
      res.end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/twilio/whatsapp`;
  return { server, webhookUrl, last: () => captured };
}

describe('npm run chat pieces', () => {
  let receiver: Server | undefined;
  let standIn: LocalTwilio | undefined;

  afterEach(async () => {
    await standIn?.close();
    if (receiver) await new Promise<void>((resolve) => receiver!.close(() => resolve()));
    receiver = standIn = undefined;
  });

  it('posts an inbound WhatsApp webhook with a valid Twilio signature and the fields Twilio sends', async () => {
    const received = await startReceiver();
    receiver = received.server;
    const { webhookUrl } = received;

    const status = await postInboundMessage(
      {
        webhookUrl,
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        botAddress: FROM,
        phone: PHONE,
        profileName: 'Ann',
      },
      'Hello',
    );

    const captured = received.last();
    expect(status).toBe(200);
    expect(captured!.params).toMatchObject({
      AccountSid: ACCOUNT_SID,
      From: `whatsapp:${PHONE}`,
      To: FROM,
      Body: 'Hello',
      NumMedia: '0',
      ProfileName: 'Ann',
      WaId: '447700900123',
    });
    expect(captured!.params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilio.validateRequest(AUTH_TOKEN, captured!.signature, webhookUrl, captured!.params)).toBe(true);
  });

  it('reads replies to one number and its latest code from the stand-in', async () => {
    const started = await startStandIn();
    standIn = started.standIn;
    await started.gateway.sendMessage({ to: `whatsapp:${PHONE}`, body: 'first' });
    await started.gateway.sendMessage({ to: 'whatsapp:+447700900999', body: 'someone else' });
    await started.gateway.sendMessage({ to: `whatsapp:${PHONE}`, body: 'second' });
    const before = await fetchLatestCode(standIn.url, PHONE);
    await started.gateway.startVerification({ to: PHONE, channel: 'sms' });

    const replies = await fetchReplies(standIn.url, PHONE);
    const code = await fetchLatestCode(standIn.url, PHONE);

    expect(replies.map((r) => r.body)).toEqual(['first', 'second']);
    expect(before).toBeUndefined();
    expect(code).toBe(standIn.lastCode(PHONE));
  });
});

describe('sending a file from npm run chat', () => {
  let receiver: Server | undefined;
  let standIn: LocalTwilio | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await standIn?.close();
    if (receiver) await new Promise<void>((resolve) => receiver!.close(() => resolve()));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    receiver = standIn = dir = undefined;
  });

  async function setUp(): Promise<{ identity: ChatIdentity; standIn: LocalTwilio; last: () => Captured | undefined }> {
    const started = await startStandIn();
    standIn = started.standIn;
    const received = await startReceiver();
    receiver = received.server;
    dir = await mkdtemp(path.join(tmpdir(), 'chat-photo-'));
    const identity: ChatIdentity = {
      webhookUrl: received.webhookUrl,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      botAddress: FROM,
      phone: PHONE,
      profileName: 'Ann',
    };
    return { identity, standIn: started.standIn, last: received.last };
  }

  it('/photo stores the file on the stand-in and posts a signed webhook with NumMedia=1, MediaUrl0 and MediaContentType0', async () => {
    const { identity, standIn: twilioStandIn, last } = await setUp();
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
    const file = path.join(dir!, 'ticket.jpg');
    await writeFile(file, photo);

    const sent = await sendFileMessage(identity, twilioStandIn.url, fileLine(`/photo ${file}`));
    const { params, signature } = last()!;

    expect(sent).toEqual({ status: 200, contentType: 'image/jpeg', size: photo.length });
    expect(params).toMatchObject({
      NumMedia: '1',
      MediaContentType0: 'image/jpeg',
      Body: '',
      From: `whatsapp:${PHONE}`,
    });
    expect(params.MessageSid).toMatch(/^MM[0-9a-f]{32}$/);
    // The media sits under the webhook's own message, as Twilio's does.
    expect(params.MediaUrl0).toMatch(
      new RegExp(
        `^${twilioStandIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${params.MessageSid}/Media/ME[0-9a-f]{32}$`,
      ),
    );
    expect(twilio.validateRequest(AUTH_TOKEN, signature, identity.webhookUrl, params)).toBe(true);
    // The bot can fetch it the way it fetches from Twilio.
    const ticket = await fetchTicket(
      { twilio: twilioConfig(twilioStandIn.url) },
      { url: params.MediaUrl0!, contentType: params.MediaContentType0! },
    );
    expect(ticket).toEqual({ ok: true, bytes: photo, contentType: 'image/jpeg', mediaSid: expect.any(String) });
  });

  it('/photo of a file with no image extension declares image/jpeg, whatever the file is', async () => {
    const { identity, standIn: twilioStandIn, last } = await setUp();
    const file = path.join(dir!, 'setup.exe');
    await writeFile(file, Buffer.from('MZ\x90\x00', 'latin1'));

    await sendFileMessage(identity, twilioStandIn.url, fileLine(`/photo ${file}`));
    const ticket = await fetchTicket(
      { twilio: twilioConfig(twilioStandIn.url) },
      { url: last()!.params.MediaUrl0!, contentType: last()!.params.MediaContentType0! },
    );

    expect(last()!.params.MediaContentType0).toBe('image/jpeg');
    expect(ticket).toEqual({ ok: false, reason: 'unsupported' });
  });

  it('rejects with the reason when the file cannot be read, posting nothing', async () => {
    const { identity, standIn: twilioStandIn, last } = await setUp();

    const error = await sendFileMessage(identity, twilioStandIn.url, {
      path: path.join(dir!, 'missing.jpg'),
      fallbackType: 'image/jpeg',
    }).catch((e: unknown) => e);

    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(last()).toBeUndefined();
  });
});

describe('a chat line', () => {
  it('is text for the bot unless it starts with /photo, /pdf or /file', () => {
    expect(parseChatLine('  hello there ')).toEqual({ kind: 'text', body: 'hello there' });
    expect(parseChatLine('/photos are nice')).toEqual({ kind: 'text', body: '/photos are nice' });
    expect(parseChatLine('toString')).toEqual({ kind: 'text', body: 'toString' });
  });

  it('names a file, spaces and quotes handled, with what each command declares by default', () => {
    expect(parseChatLine('/photo ./my ticket.jpg')).toEqual({
      kind: 'file',
      path: './my ticket.jpg',
      fallbackType: 'image/jpeg',
    });
    expect(parseChatLine(`/PDF '/tmp/a b.pdf'`)).toEqual({
      kind: 'file',
      path: '/tmp/a b.pdf',
      fallbackType: 'application/pdf',
    });
    expect(parseChatLine('/file "x.bin"')).toEqual({
      kind: 'file',
      path: 'x.bin',
      fallbackType: 'application/octet-stream',
    });
    expect(parseChatLine('/photo ~/t.png')).toEqual({
      kind: 'file',
      path: path.join(homedir(), 't.png'),
      fallbackType: 'image/jpeg',
    });
  });

  it('is a usage hint when the path is missing', () => {
    expect(parseChatLine('/photo')).toEqual({ kind: 'usage', message: 'usage: /photo <path to a file>' });
    expect(parseChatLine('/pdf   ')).toEqual({ kind: 'usage', message: 'usage: /pdf <path to a file>' });
  });

  it("declares the type WhatsApp would from the file's extension, else the command's", () => {
    expect(contentTypeForFile('a.JPG', 'application/pdf')).toBe('image/jpeg');
    expect(contentTypeForFile('a.png', 'image/jpeg')).toBe('image/png');
    expect(contentTypeForFile('a.webp', 'image/jpeg')).toBe('image/webp');
    expect(contentTypeForFile('a.pdf', 'image/jpeg')).toBe('application/pdf');
    expect(contentTypeForFile('a.exe', 'image/jpeg')).toBe('image/jpeg');
    expect(contentTypeForFile('noextension', 'application/octet-stream')).toBe('application/octet-stream');
  });
});

describe('the chat number from the command line', () => {
  it('takes --phone with a separate value, --phone=value, a bare number, or else the default', () => {
    expect(chatPhoneFromArgs(['--phone', '+447700900555'], PHONE)).toBe('+447700900555');
    expect(chatPhoneFromArgs(['--phone=+447700900556'], PHONE)).toBe('+447700900556');
    expect(chatPhoneFromArgs(['+447700900557'], PHONE)).toBe('+447700900557');
    expect(chatPhoneFromArgs([], PHONE)).toBe(PHONE);
  });

  it('gives an empty number when --phone has no value, so the caller refuses it', () => {
    expect(chatPhoneFromArgs(['--phone'], PHONE)).toBe('');
  });
});
