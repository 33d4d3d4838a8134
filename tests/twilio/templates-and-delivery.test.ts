// Content templates (ContentSid), WhatsApp's 24-hour window and delivery errors on the local
// stand-in, through the official client and the local switches.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { LOCAL_CLAIM_UPDATE_CONTENT_SID } from '../../src/config';
import { TwilioApiError, type TwilioGateway } from '../../src/twilio/gateway';
import { startLocalTwilio, type LocalTwilio } from '../../src/twilio/local-twilio';
import { makeTwilioGateway } from '../../src/twilio/twilio-client';
import { eventually } from '../support/eventually';
import { ACCOUNT_SID, AUTH_TOKEN, FROM, SERVICE_SID, rejection, startStandIn, twilioConfig } from './helpers';

const TO = 'whatsapp:+447700900123';
const OTHER = 'whatsapp:+447700900456';
const UNKNOWN_TEMPLATE = 'HX' + 'ab'.repeat(16);
const auth = { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` };

async function postMessage(standIn: LocalTwilio, form: Record<string, string>) {
  const response = await fetch(`${standIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function postSwitch(standIn: LocalTwilio, path: string, fields: Record<string, unknown>, as: 'form' | 'json') {
  const response = await fetch(`${standIn.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
    body:
      as === 'json'
        ? JSON.stringify(fields)
        : new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Content templates on the local stand-in', () => {
  let standIn: LocalTwilio;
  let gateway: TwilioGateway;

  beforeEach(async () => {
    ({ standIn, gateway } = await startStandIn());
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('records a ContentSid send with the template rendered into its body', async () => {
    const sent = await gateway.sendMessage({
      to: TO,
      contentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
      contentVariables: { '1': 'RR-7K3F9Q', '2': 'your claim was paid' },
    });

    const listed = await (await fetch(`${standIn.url}/_local/messages?to=${encodeURIComponent(TO)}`)).json();

    expect(sent).toMatchObject({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'queued' });
    expect(standIn.messages()).toMatchObject([
      {
        sid: sent.sid,
        to: TO,
        from: FROM,
        contentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
        body: 'Update on your RailRepay claim RR-7K3F9Q: your claim was paid',
      },
    ]);
    expect(listed).toMatchObject({
      messages: [{ body: 'Update on your RailRepay claim RR-7K3F9Q: your claim was paid' }],
    });
  });

  it("uses the template's default for a variable the message does not give", async () => {
    await gateway.sendMessage({
      to: TO,
      contentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
      contentVariables: { '1': 'RR-1' },
    });

    expect(standIn.messages()[0]?.body).toBe('Update on your RailRepay claim RR-1: your claim has been updated');
  });

  it('refuses an unknown ContentSid with 400 and 21655, not retryable, and records nothing', async () => {
    const unknown = await rejection(
      gateway.sendMessage({ to: TO, contentSid: UNKNOWN_TEMPLATE, contentVariables: { '1': 'x' } }),
    );
    const malformed = await rejection(gateway.sendMessage({ to: TO, contentSid: 'HXnope', contentVariables: {} }));

    expect(unknown).toBeInstanceOf(TwilioApiError);
    expect(unknown).toMatchObject({ status: 400, code: 21655, retryable: false });
    expect(malformed).toMatchObject({ status: 400, code: 21655 });
    expect(standIn.messages()).toEqual([]);
  });

  it('refuses ContentVariables that are not a JSON object of non-empty values with 400 and 21656', async () => {
    const notJson = await postMessage(standIn, {
      To: TO,
      From: FROM,
      ContentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
      ContentVariables: '{"1": RR-1}',
    });
    const empty = await rejection(
      gateway.sendMessage({ to: TO, contentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID, contentVariables: { '1': '' } }),
    );

    expect(notJson).toEqual({
      status: 400,
      body: {
        code: 21656,
        message: 'The ContentVariables Parameter is invalid',
        more_info: 'https://www.twilio.com/docs/errors/21656',
        status: 400,
      },
    });
    expect(empty).toMatchObject({ status: 400, code: 21656 });
    expect(standIn.messages()).toEqual([]);
  });

  it('still refuses a message with neither Body nor ContentSid with 21602', async () => {
    const { status, body } = await postMessage(standIn, { To: TO, From: FROM });

    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 21602 });
  });

  it('lists and fetches the built-in template through the official client', async () => {
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.content.baseUrl = standIn.url;

    const listed = await client.content.v1.contents.list();
    const fetched = await client.content.v1.contents(LOCAL_CLAIM_UPDATE_CONTENT_SID).fetch();
    const missing = await rejection(client.content.v1.contents(UNKNOWN_TEMPLATE).fetch());

    expect(listed.map((c) => c.friendlyName)).toEqual(['claim_update']);
    expect(fetched).toMatchObject({
      sid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
      accountSid: ACCOUNT_SID,
      friendlyName: 'claim_update',
      language: 'en',
      types: { 'twilio/text': { body: 'Update on your RailRepay claim {{1}}: {{2}}' } },
      variables: { '1': expect.any(String), '2': expect.any(String) },
    });
    expect(fetched.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(fetched.dateCreated.getTime())).toBe(false);
    expect(missing).toMatchObject({ status: 404, code: 20404 });
  });

  it('answers GET /v1/Content with the records under contents and the paging in meta', async () => {
    const response = await fetch(`${standIn.url}/v1/Content`, { headers: auth });
    const unauthorised = await fetch(`${standIn.url}/v1/Content`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      contents: [
        { sid: LOCAL_CLAIM_UPDATE_CONTENT_SID, friendly_name: 'claim_update', date_created: expect.any(String) },
      ],
      meta: { key: 'contents', page: 0, next_page_url: null },
    });
    expect(unauthorised.status).toBe(401);
  });
});

type Callback = { signature: string; params: Record<string, string> };

describe('WhatsApp window and delivery errors on the local stand-in', () => {
  let receiver: Server;
  let standIn: LocalTwilio;
  let gateway: TwilioGateway;
  let callbackUrl: string;
  let received: Callback[];

  const callbacksFor = (sid: string) => received.filter((c) => c.params.MessageSid === sid);
  const expectSigned = (callbacks: Callback[]) => {
    for (const { signature, params } of callbacks)
      expect(twilio.validateRequest(AUTH_TOKEN, signature, callbackUrl, params)).toBe(true);
  };

  beforeEach(async () => {
    received = [];
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push({
          signature: String(req.headers['x-twilio-signature']),
          params: Object.fromEntries(new URLSearchParams(text)),
        });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/twilio/status`;
    standIn = await startLocalTwilio({
      port: 0,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      verifyServiceSid: SERVICE_SID,
    });
    gateway = makeTwilioGateway(twilioConfig(standIn.url));
  });
  afterEach(async () => {
    await standIn.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('while the window is closed, a free-form send is accepted but ends undelivered with 63016, and a template is delivered', async () => {
    const closed = await postSwitch(standIn, '/_local/whatsapp-window', { To: TO, Open: 'false' }, 'form');

    const freeForm = await gateway.sendMessage({ to: TO, body: 'Your claim was paid', statusCallback: callbackUrl });
    const template = await gateway.sendMessage({
      to: TO,
      contentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
      contentVariables: { '1': 'RR-7K3F9Q', '2': 'paid' },
      statusCallback: callbackUrl,
    });
    await eventually(() => expect(received).toHaveLength(3));

    expect(closed).toEqual({ status: 200, body: { to: '+447700900123', open: false } });
    expect(freeForm.status).toBe('queued');
    expect(callbacksFor(freeForm.sid).map((c) => c.params)).toEqual([
      expect.objectContaining({ MessageStatus: 'undelivered', ErrorCode: '63016', To: TO, AccountSid: ACCOUNT_SID }),
    ]);
    expect(callbacksFor(template.sid).map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([
      ['sent', undefined],
      ['delivered', undefined],
    ]);
    expectSigned(received);
    expect(standIn.messages().map((m) => [m.status, m.errorCode])).toEqual([
      ['undelivered', 63016],
      ['delivered', undefined],
    ]);
  });

  it('shows the failure in the message resource: status undelivered, error_code 63016', async () => {
    standIn.setWindow(TO, false);
    const sent = await gateway.sendMessage({ to: TO, body: 'late reply', statusCallback: callbackUrl });
    await eventually(() => expect(callbacksFor(sent.sid)).toHaveLength(1));
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.api.baseUrl = standIn.url;

    const fetched = await client.messages(sent.sid).fetch();

    expect(fetched).toMatchObject({ status: 'undelivered', errorCode: 63016, errorMessage: expect.any(String) });
  });

  it('delivers free-form messages again once the window is opened, and keeps other numbers open throughout', async () => {
    await postSwitch(standIn, '/_local/whatsapp-window', { To: TO, Open: false }, 'json');
    const other = await gateway.sendMessage({ to: OTHER, body: 'hello', statusCallback: callbackUrl });
    const opened = await postSwitch(standIn, '/_local/whatsapp-window', { To: TO, Open: true }, 'json');
    const again = await gateway.sendMessage({ to: TO, body: 'hello again', statusCallback: callbackUrl });
    await eventually(() => expect(received).toHaveLength(4));

    expect(opened.body).toEqual({ to: '+447700900123', open: true });
    expect(callbacksFor(other.sid).map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expect(callbacksFor(again.sid).map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
  });

  it('reports a delivery error set for a number in the callback of every later message, until it is cleared', async () => {
    const set = await postSwitch(standIn, '/_local/delivery-errors', { To: TO, ErrorCode: '63024' }, 'form');
    const first = await gateway.sendMessage({ to: TO, body: 'one', statusCallback: callbackUrl });
    const template = await gateway.sendMessage({
      to: TO,
      contentSid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
      contentVariables: { '1': 'RR-1', '2': 'paid' },
      statusCallback: callbackUrl,
    });
    await eventually(() => expect(received).toHaveLength(2));
    const cleared = await postSwitch(standIn, '/_local/delivery-errors', { To: TO, ErrorCode: '' }, 'json');
    const after = await gateway.sendMessage({ to: TO, body: 'three', statusCallback: callbackUrl });
    await eventually(() => expect(received).toHaveLength(4));

    expect(set.body).toEqual({ to: '+447700900123', error_code: 63024, status: 'failed' });
    for (const sid of [first.sid, template.sid])
      expect(callbacksFor(sid).map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([['failed', '63024']]);
    expect(cleared.body).toEqual({ to: '+447700900123', error_code: null, status: null });
    expect(callbacksFor(after.sid).map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expectSigned(received);
  });

  it('reports a delivery error as undelivered when told so', async () => {
    await postSwitch(standIn, '/_local/delivery-errors', { To: TO, ErrorCode: 63032, Status: 'undelivered' }, 'json');
    const sent = await gateway.sendMessage({ to: TO, body: 'x', statusCallback: callbackUrl });
    await eventually(() => expect(callbacksFor(sent.sid)).toHaveLength(1));

    expect(callbacksFor(sent.sid)[0]?.params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '63032' });
    expect(standIn.messages()[0]).toMatchObject({ status: 'undelivered', errorCode: 63032 });
  });

  it('refuses a switch without a valid To, Open or ErrorCode with 400', async () => {
    const noTo = await postSwitch(standIn, '/_local/whatsapp-window', { Open: 'false' }, 'form');
    const badOpen = await postSwitch(standIn, '/_local/whatsapp-window', { To: TO, Open: 'maybe' }, 'form');
    const badCode = await postSwitch(standIn, '/_local/delivery-errors', { To: TO, ErrorCode: 'oops' }, 'form');

    expect([noTo.status, badOpen.status, badCode.status]).toEqual([400, 400, 400]);
    expect(noTo.body).toMatchObject({ code: 21211 });
  });

  it('forgets closed windows and delivery errors on reset', async () => {
    standIn.setWindow(TO, false);
    standIn.setDeliveryError(OTHER, 63024);

    standIn.reset();
    const a = await gateway.sendMessage({ to: TO, body: 'a', statusCallback: callbackUrl });
    const b = await gateway.sendMessage({ to: OTHER, body: 'b', statusCallback: callbackUrl });
    await eventually(() => expect(received).toHaveLength(4));

    expect(callbacksFor(a.sid).map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expect(callbacksFor(b.sid).map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
  });
});
