import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { TwilioApiError, type TwilioGateway } from '../../src/twilio/gateway';
import { startLocalTwilio, type LocalTwilio } from '../../src/twilio/local-twilio';
import { makeTwilioGateway, toTwilioApiError } from '../../src/twilio/twilio-client';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  FROM,
  SERVICE_SID,
  rejection,
  startStandIn,
  twilioConfig,
  type MovableClock,
} from './helpers';

const TO = 'whatsapp:+447700900123';
const CALLBACK = 'https://bot.example.test/webhooks/twilio/status';

describe('Messages through the official client and the local stand-in', () => {
  let standIn: LocalTwilio;
  let gateway: TwilioGateway;
  let clock: MovableClock;

  beforeEach(async () => {
    ({ standIn, gateway, clock } = await startStandIn());
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('records a sent message with its From, To, Body and StatusCallback and answers with an SM sid', async () => {
    const sent = await gateway.sendMessage({ to: TO, body: 'Hello from the bot', statusCallback: CALLBACK });

    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe('queued');
    expect(standIn.messages()).toMatchObject([
      { sid: sent.sid, from: FROM, to: TO, body: 'Hello from the bot', statusCallback: CALLBACK },
    ]);
  });

  it('lists messages by recipient and fetches one by sid through the official client', async () => {
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.api.baseUrl = standIn.url;
    const first = await gateway.sendMessage({ to: TO, body: 'one' });
    await gateway.sendMessage({ to: 'whatsapp:+447700900999', body: 'other' });

    const listed = await client.messages.list({ to: TO });
    const fetched = await client.messages(first.sid).fetch();

    expect(listed.map((m) => m.body)).toEqual(['one']);
    expect(fetched).toMatchObject({ sid: first.sid, body: 'one', to: TO, from: FROM, accountSid: ACCOUNT_SID });
    expect(fetched.dateCreated.toISOString()).toBe(clock.now().toISOString());
    expect(standIn.messagesTo('+447700900123').map((m) => m.body)).toEqual(['one']);
  });

  it('lists newest first, filtered by To and From, at most the page size', async () => {
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.api.baseUrl = standIn.url;
    for (const body of ['one', 'two', 'three']) await gateway.sendMessage({ to: TO, body });
    const otherSender = makeTwilioGateway(twilioConfig(standIn.url, { whatsappFrom: 'whatsapp:+14155550000' }));
    await otherSender.sendMessage({ to: TO, body: 'not from the bot' });

    const listed = await client.messages.list({ to: TO, from: FROM, limit: 2 });

    expect(listed.map((m) => m.body)).toEqual(['three', 'two']);
  });

  it('refuses an invalid To with 400 and code 21211, not retryable, and records nothing', async () => {
    const error = await rejection(gateway.sendMessage({ to: 'whatsapp:07700', body: 'x' }));

    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 400, code: 21211, retryable: false });
    expect(standIn.messages()).toEqual([]);
  });

  it('fails the next sends as told: 500 then 429, both retryable, then sends again', async () => {
    standIn.failNext({ endpoint: 'messages', status: 500 });
    standIn.failNext({ endpoint: 'messages', status: 429, code: 20429 });

    const serverError = await rejection(gateway.sendMessage({ to: TO, body: 'a' }));
    const rateLimited = await rejection(gateway.sendMessage({ to: TO, body: 'b' }));
    await gateway.sendMessage({ to: TO, body: 'c' });

    expect(serverError).toMatchObject({ status: 500, code: 20500, retryable: true });
    expect(rateLimited).toMatchObject({ status: 429, code: 20429, retryable: true });
    expect(standIn.messages().map((m) => m.body)).toEqual(['c']);
  });

  it('fails a given number of times before answering again', async () => {
    standIn.failNext({ endpoint: 'messages', status: 503, times: 2 });

    const errors = [
      await rejection(gateway.sendMessage({ to: TO, body: 'a' })),
      await rejection(gateway.sendMessage({ to: TO, body: 'b' })),
    ];
    await gateway.sendMessage({ to: TO, body: 'c' });

    expect(errors).toMatchObject([{ status: 503 }, { status: 503 }]);
    expect(standIn.messages()).toHaveLength(1);
  });

  it('refuses bad credentials with 401 and code 20003', async () => {
    const wrong = makeTwilioGateway(twilioConfig(standIn.url, { authToken: 'not-the-token' }));

    const error = await rejection(wrong.sendMessage({ to: TO, body: 'x' }));

    expect(error).toMatchObject({ status: 401, code: 20003, retryable: false });
  });

  it('checks credentials before a scripted failure, which stays queued', async () => {
    standIn.failNext({ endpoint: 'messages', status: 500 });
    const wrong = makeTwilioGateway(twilioConfig(standIn.url, { accountSid: 'AC' + 'f'.repeat(32) }));

    const refused = await rejection(wrong.sendMessage({ to: TO, body: 'x' }));
    const scripted = await rejection(gateway.sendMessage({ to: TO, body: 'y' }));

    expect(refused).toMatchObject({ status: 401, code: 20003 });
    expect(scripted).toMatchObject({ status: 500 });
  });

  it('answers an error with the body {code, message, more_info, status}', async () => {
    const response = await fetch(`${standIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: 'nonsense', From: FROM, Body: 'x' }).toString(),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 21211,
      message: expect.any(String),
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
  });

  it('turns a refused connection into a retryable TwilioApiError with status 0', async () => {
    const url = standIn.url;
    await standIn.close();
    const unreachable = makeTwilioGateway(twilioConfig(url));

    const error = await rejection(unreachable.sendMessage({ to: TO, body: 'x' }));

    expect(error).toMatchObject({ status: 0, code: undefined, retryable: true });
    ({ standIn } = await startStandIn());
  });

  it('turns a connection dropped mid-request into a retryable TwilioApiError with status 0', async () => {
    const dropping = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}`;

    const error = await rejection(
      makeTwilioGateway(twilioConfig(url)).checkVerification({ to: '+447700900123', code: '123456' }),
    );
    await new Promise<void>((resolve) => dropping.close(() => resolve()));

    expect(error).toMatchObject({ status: 0, retryable: true });
  });

  it('turns a request Twilio never answers into a retryable TwilioApiError with status 0 after the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();

    const error = await rejection(
      makeTwilioGateway(twilioConfig(url), { timeoutMs: 300 }).sendMessage({ to: TO, body: 'x' }),
    );
    const elapsed = Date.now() - started;
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));

    expect(error).toMatchObject({ status: 0, retryable: true });
    expect(elapsed).toBeLessThan(5_000);
  });

  it('serves recorded messages and the latest code on the local control API', async () => {
    await gateway.sendMessage({ to: TO, body: 'reply' });
    await gateway.startVerification({ to: '+447700900123', channel: 'sms' });

    const messages = await (await fetch(`${standIn.url}/_local/messages?to=${encodeURIComponent(TO)}`)).json();
    const latest = await (
      await fetch(`${standIn.url}/_local/verifications/latest?to=${encodeURIComponent('+447700900123')}`)
    ).json();
    const none = await fetch(`${standIn.url}/_local/verifications/latest?to=%2B447700900000`);

    expect(messages).toMatchObject({ messages: [{ body: 'reply', to: TO }] });
    expect(latest).toEqual({ to: '+447700900123', code: standIn.lastCode('+447700900123') });
    expect(none.status).toBe(404);
  });

  it('forgets messages, codes and scripted failures on reset', async () => {
    await gateway.sendMessage({ to: TO, body: 'x' });
    await gateway.startVerification({ to: '+447700900123', channel: 'sms' });
    standIn.failNext({ endpoint: 'messages', status: 500 });

    standIn.reset();
    await gateway.sendMessage({ to: TO, body: 'y' });

    expect(standIn.messages().map((m) => m.body)).toEqual(['y']);
    expect(standIn.lastCode('+447700900123')).toBeUndefined();
  });
});

describe('Status callbacks from the local stand-in', () => {
  let receiver: Server;
  let standIn: LocalTwilio | undefined;

  afterEach(async () => {
    await standIn?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('posts signed sent then delivered callbacks to the StatusCallback', async () => {
    const received: { signature: string; params: Record<string, string> }[] = [];
    const done = new Promise<void>((resolve) => {
      receiver = createServer((req: IncomingMessage, res) => {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString()));
        req.on('end', () => {
          received.push({
            signature: String(req.headers['x-twilio-signature']),
            params: Object.fromEntries(new URLSearchParams(text)),
          });
          res.end();
          if (received.length === 2) resolve();
        });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/twilio/status`;
    standIn = await startLocalTwilio({
      port: 0,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      verifyServiceSid: SERVICE_SID,
    });

    const sent = await makeTwilioGateway(twilioConfig(standIn.url)).sendMessage({
      to: TO,
      body: 'x',
      statusCallback: callbackUrl,
    });
    await done;

    expect(received.map((r) => r.params.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const { signature, params } of received) {
      expect(params).toMatchObject({ MessageSid: sent.sid, AccountSid: ACCOUNT_SID, To: TO, From: FROM });
      expect(twilio.validateRequest(AUTH_TOKEN, signature, callbackUrl, params)).toBe(true);
    }
    expect(standIn.messages()[0]?.status).toBe('delivered');
  });
});

describe('toTwilioApiError', () => {
  it('masks phone numbers quoted in Twilio error messages', () => {
    const error = toTwilioApiError({ status: 400, code: 21211, message: "The 'To' number +447700900123 is not valid" });

    expect(error.message).not.toContain('447700900123');
    expect(error.message).toContain('+44******0123');
    expect(error).toMatchObject({ status: 400, code: 21211 });
  });
});
