import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeHttpTransport } from '../../src/outbox/http-transport';
import type { EventEnvelope } from '../../src/outbox/envelope';

const SECRET = `whsec_${Buffer.from('a consumer shared secret of 32 b').toString('base64')}`;

type Received = { headers: IncomingMessage['headers']; body: string };
let server: Server;
let url: string;
let received: Received[];
let answer: (req: IncomingMessage) => number | 'hang';

beforeEach(async () => {
  received = [];
  answer = () => 204;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answer(req);
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function envelope(): EventEnvelope {
  const userId = randomUUID();
  return {
    event_id: randomUUID(),
    event_type: 'user.registered',
    aggregate_type: 'user',
    aggregate_id: userId,
    occurred_at: '2026-11-25T12:00:00.000Z',
    correlation_id: null,
    payload: { user_id: userId },
  };
}

/** What a consumer does, written from the Standard Webhooks description rather than our code. */
function consumerVerifies(secret: string, message: Received, toleranceSeconds = 300): boolean {
  const id = String(message.headers['webhook-id']);
  const timestamp = String(message.headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${message.body}`).digest();
  return String(message.headers['webhook-signature'])
    .split(' ')
    .some((candidate) => {
      const [version, signature] = candidate.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

test('a consumer verifies the signature of what the transport posts, and the body is the envelope', async () => {
  const transport = makeHttpTransport({ url, secret: SECRET, clock: { now: () => new Date() } });
  const event = envelope();

  expect(await transport.publish([event])).toEqual([{ ok: true }]);

  expect(received).toHaveLength(1);
  const [message] = received;
  expect(message!.headers['webhook-id']).toBe(event.event_id);
  expect(message!.headers['content-type']).toBe('application/json');
  expect(JSON.parse(message!.body)).toEqual(event);
  expect(consumerVerifies(SECRET, message!)).toBe(true);
  expect(consumerVerifies(`whsec_${Buffer.from('another secret').toString('base64')}`, message!)).toBe(false);
  expect(consumerVerifies(SECRET, { ...message!, body: message!.body.replace('user', 'User') })).toBe(false);
});

test('a 5xx answer is a retryable failure and a 400 a permanent one, per event in the batch', async () => {
  const transport = makeHttpTransport({ url, secret: SECRET, clock: { now: () => new Date() } });
  const [ok, down, bad] = [envelope(), envelope(), envelope()];
  answer = (req) => {
    const id = req.headers['webhook-id'];
    return id === down.event_id ? 503 : id === bad.event_id ? 400 : 200;
  };

  const outcomes = await transport.publish([ok, down, bad]);

  expect(outcomes).toEqual([
    { ok: true },
    { ok: false, error: 'HTTP 503', permanent: false },
    { ok: false, error: 'HTTP 400', permanent: true },
  ]);
});

test('a consumer that does not answer in time is a retryable failure', async () => {
  const transport = makeHttpTransport({ url, secret: SECRET, clock: { now: () => new Date() }, timeoutMs: 200 });
  answer = () => 'hang';

  const [outcome] = await transport.publish([envelope()]);

  expect(outcome).toEqual({ ok: false, error: 'POST failed: timed out after 200 ms', permanent: false });
});
