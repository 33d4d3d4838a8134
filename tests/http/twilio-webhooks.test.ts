import twilio from 'twilio';
import { fromInboundJob } from '../../src/jobs/inbound-job';
import { jobSeal } from '../../src/jobs/job-seal';
import { QUEUE } from '../../src/jobs/queues';
import { arrivalOf } from '../../src/jobs/sender-arrival';
import { inboundForm, messageSid, PUBLIC_BASE_URL, startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

const WHATSAPP = '/webhooks/twilio/whatsapp';
const STATUS = '/webhooks/twilio/status';
let app: WebhookTestApp;

beforeAll(async () => (app = await startWebhookTestApp()));
afterAll(() => app.stop());

const inbound = () => app.deps.queues[QUEUE.inbound];
const message = (data: unknown) => fromInboundJob(data, jobSeal(app.deps.config.senderKeySecret));
const jobCount = () => inbound().getJobCountByTypes('waiting', 'delayed', 'active', 'completed', 'failed');

test('a signed inbound message is queued once and answered with empty TwiML', async () => {
  const form = inboundForm({ Body: 'YES' });
  const response = await app.post(WHATSAPP, form);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
  expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  const job = await inbound().getJob(form.MessageSid!);
  // As stored (and shown in Bull Board): the number masked, the message sealed.
  expect(job?.data).toEqual({
    messageSid: form.MessageSid,
    sender: app.deps.keys.senderId('+447700900123'),
    from: '+44******0123',
    receivedAt: expect.any(String),
    sealed: expect.any(String),
  });
  expect(JSON.stringify(job?.data)).not.toMatch(/YES|447700900123|Pat/);
  expect(message(job?.data)).toMatchObject({
    messageSid: form.MessageSid,
    from: 'whatsapp:+447700900123',
    to: 'whatsapp:+14155238886',
    body: 'YES',
    profileName: 'Pat',
    media: [],
  });
  expect(await arrivalOf(app.deps.redis, app.deps.keys, form.From!, form.MessageSid!)).toEqual(expect.any(Number));
});

test('consecutive messages from one sender get consecutive arrival numbers', async () => {
  const first = inboundForm({ From: 'whatsapp:+447700900555' });
  const second = inboundForm({ From: 'whatsapp:+447700900555' });
  await app.post(WHATSAPP, first);
  await app.post(WHATSAPP, second);
  const a = await arrivalOf(app.deps.redis, app.deps.keys, first.From!, first.MessageSid!);
  const b = await arrivalOf(app.deps.redis, app.deps.keys, second.From!, second.MessageSid!);
  expect([a, b]).toEqual([1, 2]);
});

test('when the same MessageSid arrives twice, one job is queued and both get 200', async () => {
  const before = await jobCount();
  const form = inboundForm();
  expect((await app.post(WHATSAPP, form)).status).toBe(200);
  expect((await app.post(WHATSAPP, form)).status).toBe(200);
  expect(await jobCount()).toBe(before + 1);
  expect(await arrivalOf(app.deps.redis, app.deps.keys, form.From!, form.MessageSid!)).toBeDefined();
});

test('an unsigned request is refused with 403 and nothing is queued', async () => {
  const before = await jobCount();
  const response = await app.post(WHATSAPP, inboundForm(), { signature: null });
  expect(response.status).toBe(403);
  expect(await jobCount()).toBe(before);
});

test('a wrong signature is refused with 403', async () => {
  const before = await jobCount();
  const response = await app.post(WHATSAPP, inboundForm(), { signature: 'bm90IGEgc2lnbmF0dXJl' });
  expect(response.status).toBe(403);
  expect(await jobCount()).toBe(before);
});

test('a signature made for another URL is refused with 403', async () => {
  const response = await app.post(WHATSAPP, inboundForm(), { signedUrl: `${PUBLIC_BASE_URL}/elsewhere` });
  expect(response.status).toBe(403);
  const other = await app.post(WHATSAPP, inboundForm(), { signedUrl: `https://evil.example.test${WHATSAPP}` });
  expect(other.status).toBe(403);
});

test('a form changed after signing is refused with 403', async () => {
  const form = inboundForm({ Body: 'original' });
  const signature = twilio.getExpectedTwilioSignature(
    app.deps.config.twilio.authToken,
    `${PUBLIC_BASE_URL}${WHATSAPP}`,
    form,
  );
  const response = await app.post(WHATSAPP, { ...form, Body: 'tampered' }, { signature });
  expect(response.status).toBe(403);
});

test.each([
  ['a missing MessageSid', { MessageSid: '' }, /MessageSid/],
  ['a sender that is not a WhatsApp number', { From: '+447700900123' }, /From/],
  ['a media count with no media URL', { NumMedia: '1' }, /MediaUrl0/],
  ['an impossible media count', { NumMedia: '99' }, /NumMedia/],
])('a signed but malformed webhook (%s) gets 400 and nothing is queued', async (_name, overrides, reason) => {
  const before = await jobCount();
  const response = await app.post(WHATSAPP, inboundForm(overrides));
  expect(response.status).toBe(400);
  expect(await response.text()).toMatch(reason);
  expect(await jobCount()).toBe(before);
});

test('an oversized body gets 413 and nothing is queued', async () => {
  const before = await jobCount();
  const response = await app.post(WHATSAPP, inboundForm({ Body: 'x'.repeat(70 * 1024) }));
  expect(response.status).toBe(413);
  expect(await jobCount()).toBe(before);
});

test('odd Unicode in the body is kept, well formed', async () => {
  const form = inboundForm({ Body: 'Cafe\u0301 \u{1F686} \uD800' });
  expect((await app.post(WHATSAPP, form)).status).toBe(200);
  const job = await inbound().getJob(form.MessageSid!);
  expect(message(job?.data)?.body).toBe('Caf\u00e9 \u{1F686} \uFFFD');
});

test('a media message carries its media URLs and content types in the job', async () => {
  const form = inboundForm({
    Body: '',
    NumMedia: '2',
    MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
    MediaContentType0: 'image/jpeg',
    MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
    MediaContentType1: 'application/pdf',
  });
  expect((await app.post(WHATSAPP, form)).status).toBe(200);
  const job = await inbound().getJob(form.MessageSid!);
  expect(message(job?.data)?.media).toEqual([
    { url: form.MediaUrl0, contentType: 'image/jpeg' },
    { url: form.MediaUrl1, contentType: 'application/pdf' },
  ]);
});

test('a signed delivery callback is counted by the web process; only failures queue a job, one per message and status', async () => {
  const sid = messageSid();
  const statuses = app.deps.queues[QUEUE.messageStatus];
  const counted = async (status: string) =>
    (await app.deps.metrics.deliveryStatus.get()).values.find((value) => value.labels.status === status)?.value ?? 0;
  const deliveredBefore = await counted('delivered');
  for (const [status, errorCode] of [
    ['sent'],
    ['delivered'],
    ['delivered'],
    ['undelivered', '63016'],
    ['undelivered', '63016'],
  ]) {
    const form = { MessageSid: sid, MessageStatus: status!, AccountSid: `AC${'0'.repeat(32)}` };
    expect((await app.post(STATUS, errorCode ? { ...form, ErrorCode: errorCode } : form)).status).toBe(200);
  }
  expect((await counted('delivered')) - deliveredBefore).toBe(2);
  const jobs = await statuses.getJobs(['waiting', 'delayed', 'active', 'completed']);
  expect(jobs.filter((job) => job.data.messageSid === sid).map((job) => job.data)).toEqual([
    expect.objectContaining({ messageStatus: 'undelivered', errorCode: '63016' }),
  ]);
  expect((await app.post(STATUS, { MessageSid: sid, MessageStatus: 'sent' }, { signature: null })).status).toBe(403);
  expect((await app.post(STATUS, { MessageSid: 'nope', MessageStatus: 'sent' })).status).toBe(400);
});

test('a webhook answer carries a request id: the caller’s when sent, a fresh one otherwise', async () => {
  const fresh = await app.post(WHATSAPP, inboundForm());
  expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
  const form = inboundForm();
  const signature = twilio.getExpectedTwilioSignature(
    app.deps.config.twilio.authToken,
    PUBLIC_BASE_URL + WHATSAPP,
    form,
  );
  const given = await fetch(`${app.url}${WHATSAPP}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      'i-twilio-idempotency-token': 'twilio-token-1',
    },
    body: new URLSearchParams(form).toString(),
  });
  expect(given.status).toBe(200);
  expect(given.headers.get('x-request-id')).toBe('twilio-token-1');
});

test('other methods and paths beside the webhooks go to the app, which answers 404 in JSON', async () => {
  for (const [method, path] of [
    ['GET', WHATSAPP],
    ['POST', `${WHATSAPP}/extra`],
    ['POST', '/webhooks/twilio'],
  ] as const) {
    const response = await fetch(`${app.url}${path}`, { method });
    expect({ method, path, status: response.status, body: await response.json() }).toEqual({
      method,
      path,
      status: 404,
      body: { code: 'NOT_FOUND', message: 'not found' },
    });
  }
});

test('an unexpected failure in a webhook answers 500 and the server keeps serving', async () => {
  const add = jest.spyOn(inbound(), 'add').mockImplementationOnce(() => {
    throw new Error('boom');
  });
  try {
    // A synchronous throw inside the queueing step is caught like a Redis failure: 503.
    expect((await app.post(WHATSAPP, inboundForm())).status).toBe(503);
  } finally {
    add.mockRestore();
  }
  const clock = jest.spyOn(app.deps.clock, 'now').mockImplementationOnce(() => {
    throw new Error('clock broke');
  });
  try {
    const response = await app.post(WHATSAPP, inboundForm());
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('internal error');
  } finally {
    clock.mockRestore();
  }
  expect((await app.post(WHATSAPP, inboundForm())).status).toBe(200);
});
