import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { chatPhoneFromArgs, fetchLatestCode, fetchReplies, postInboundMessage } from '../../src/twilio/chat-session';
import type { LocalTwilio } from '../../src/twilio/local-twilio';
import { ACCOUNT_SID, AUTH_TOKEN, FROM, startStandIn } from './helpers';

const PHONE = '+447700900123';

describe('npm run chat pieces', () => {
  let receiver: Server | undefined;
  let standIn: LocalTwilio | undefined;

  afterEach(async () => {
    await standIn?.close();
    if (receiver) await new Promise<void>((resolve) => receiver!.close(() => resolve()));
    receiver = standIn = undefined;
  });

  it('posts an inbound WhatsApp webhook with a valid Twilio signature and the fields Twilio sends', async () => {
    let captured: { signature: string; params: Record<string, string> } | undefined;
    receiver = createServer((req, res) => {
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
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/twilio/whatsapp`;

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
