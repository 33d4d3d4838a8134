import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { makeRequestListener } from '../../src/http/app';
import { MAX_EVENT_BYTES } from '../../src/inbound-events/envelope';
import { makeRedis } from '../../src/redis';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

// Requests are signed with the official standardwebhooks package, as a sender would sign them.
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const OTHER_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const PATH = '/api/v1/events';

let app: WebhookTestApp;
let base: string;
let stream: string;

function claimPaid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    event_type: 'claim.paid',
    aggregate_type: 'journey',
    aggregate_id: randomUUID(),
    occurred_at: new Date().toISOString(),
    correlation_id: null,
    payload: { journey_id: randomUUID(), user_id: randomUUID(), amount_pence: 1250 },
    ...overrides,
  };
}

type SendOptions = {
  secret?: string;
  webhookId?: string;
  timestamp?: Date;
  headers?: Record<string, string | null>;
};

/** POSTs a body signed as a Standard Webhooks sender signs it; `headers` overrides (null drops). */
async function send(body: string, options: SendOptions = {}): Promise<Response> {
  const webhookId = options.webhookId ?? `msg_${randomBytes(12).toString('hex')}`;
  const timestamp = options.timestamp ?? new Date();
  const headers: Record<string, string | null> = {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SECRET).sign(webhookId, timestamp, body),
    ...options.headers,
  };
  const sent = Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  return fetch(`${base}${PATH}`, { method: 'POST', headers: sent, body });
}

async function entries(): Promise<Record<string, string>[]> {
  const raw = await app.redis.xrange(stream, '-', '+');
  return raw.map(([, fields]) => {
    const record: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
    return record;
  });
}

describe('with INBOUND_EVENTS_SECRET set', () => {
  beforeEach(async () => {
    stream = `wh-test-events-${randomBytes(4).toString('hex')}`;
    app = await startWebhookTestApp({ INBOUND_EVENTS_SECRET: SECRET, INBOUND_EVENTS_STREAM: stream });
    base = app.url;
  });
  afterEach(async () => {
    await app.redis.del(stream);
    await app.stop();
  });

  it('queues a correctly signed claim event once and answers 202 after the stream has it', async () => {
    const envelope = claimPaid();
    const body = JSON.stringify(envelope);

    const response = await send(body);

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'queued', event_id: envelope.event_id });
    expect(await entries()).toEqual([{ event_id: envelope.event_id, event_type: 'claim.paid', envelope: body }]);
  });

  it('queues an event of a type the service does not act on, for the consumer to count', async () => {
    const envelope = claimPaid({ event_type: 'claim.audited', payload: { anything: true } });

    const response = await send(JSON.stringify(envelope));

    expect(response.status).toBe(202);
    expect(await entries()).toEqual([
      expect.objectContaining({ event_id: envelope.event_id, event_type: 'claim.audited' }),
    ]);
  });

  it('refuses a body signed with another secret with 401, and queues nothing', async () => {
    const response = await send(JSON.stringify(claimPaid()), { secret: OTHER_SECRET });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'bad signature' });
    expect(await entries()).toEqual([]);
  });

  it('refuses a body changed after it was signed', async () => {
    const webhookId = 'msg_changed';
    const timestamp = new Date();
    const signed = JSON.stringify(claimPaid());
    const signature = new Webhook(SECRET).sign(webhookId, timestamp, signed);

    const response = await send(`${signed} `, { webhookId, timestamp, headers: { 'webhook-signature': signature } });

    expect(response.status).toBe(401);
    expect(await entries()).toEqual([]);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'refuses a request without the %s header with 401',
    async (name) => {
      const response = await send(JSON.stringify(claimPaid()), { headers: { [name]: null } });

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'missing header' });
      expect(await entries()).toEqual([]);
    },
  );

  it.each([
    ['10 minutes old', -10 * 60],
    ['10 minutes ahead', 10 * 60],
  ])('refuses a correctly signed request whose timestamp is %s with 401', async (_what, offsetSeconds) => {
    const timestamp = new Date(Date.now() + offsetSeconds * 1000);

    const response = await send(JSON.stringify(claimPaid()), { timestamp });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'stale timestamp' });
    expect(await entries()).toEqual([]);
  });

  it('accepts a timestamp 4 minutes old, inside the 5-minute tolerance', async () => {
    const response = await send(JSON.stringify(claimPaid()), { timestamp: new Date(Date.now() - 4 * 60 * 1000) });

    expect(response.status).toBe(202);
  });

  it('answers a replayed webhook-id 200 duplicate, and the stream still has one entry', async () => {
    const envelope = claimPaid();
    const body = JSON.stringify(envelope);
    const webhookId = 'msg_replayed';
    const timestamp = new Date();

    const first = await send(body, { webhookId, timestamp });
    const replay = await send(body, { webhookId, timestamp });

    expect(first.status).toBe(202);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ status: 'duplicate', event_id: envelope.event_id });
    expect(await entries()).toHaveLength(1);
    expect(await app.redis.ttl(app.deps.keys.inboundWebhookSeen(webhookId))).toBeGreaterThan(10 * 60);
  });

  it('asks a delivery to retry (409) while another with its webhook-id is being queued', async () => {
    await app.redis.set(app.deps.keys.inboundWebhookSeen('msg_in_flight'), 'pending', 'EX', 30);

    const response = await send(JSON.stringify(claimPaid()), { webhookId: 'msg_in_flight' });

    expect(response.status).toBe(409);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await entries()).toEqual([]);
  });

  it('takes the retry of a delivery whose append failed, rather than calling it a duplicate', async () => {
    const body = JSON.stringify(claimPaid());
    const webhookId = 'msg_retried';
    const timestamp = new Date();
    // A key of the wrong type makes the XADD fail after the webhook-id was claimed.
    await app.redis.set(stream, 'not a stream');
    const failed = await send(body, { webhookId, timestamp });
    await app.redis.del(stream);

    const retry = await send(body, { webhookId, timestamp });

    expect(failed.status).toBe(503);
    expect(retry.status).toBe(202);
    expect(await entries()).toHaveLength(1);
  });

  it('answers a body over 64 KiB 413 and queues nothing', async () => {
    const envelope = claimPaid({ payload: { padding: 'x'.repeat(MAX_EVENT_BYTES) } });

    const response = await send(JSON.stringify(envelope));

    expect(response.status).toBe(413);
    expect(await entries()).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', 400, '{"event_id": ', 'body is not JSON'],
    ['an envelope without occurred_at', 422, JSON.stringify({ ...claimPaid(), occurred_at: undefined }), /occurred_at/],
    [
      'a claim.paid whose amount is text',
      422,
      JSON.stringify(claimPaid({ payload: { journey_id: randomUUID(), user_id: randomUUID(), amount_pence: '12' } })),
      /^payload\.amount_pence/,
    ],
  ])('answers %s with %i and the reason, and queues nothing', async (_what, status, body, reason) => {
    const response = await send(body);

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: expect.stringMatching(reason) });
    expect(await entries()).toEqual([]);
  });

  it('refuses a body that is not declared as JSON with 415', async () => {
    const response = await send(JSON.stringify(claimPaid()), { headers: { 'content-type': 'text/plain' } });

    expect(response.status).toBe(415);
    expect(await entries()).toEqual([]);
  });
});

describe('without INBOUND_EVENTS_SECRET', () => {
  beforeEach(async () => {
    stream = `wh-test-events-${randomBytes(4).toString('hex')}`;
    app = await startWebhookTestApp({ INBOUND_EVENTS_STREAM: stream });
    base = app.url;
  });
  afterEach(() => app.stop());

  it('answers 404, as for any unknown path, even to a signed request', async () => {
    const response = await send(JSON.stringify(claimPaid()));

    expect(response.status).toBe(404);
    expect(await entries()).toEqual([]);
  });
});

describe('with Redis unreachable', () => {
  // The web process's fail-fast connection, pointed at a port where no Redis listens.
  let t: TestDeps;
  let server: Server;
  const deadRedis = makeRedis('redis://127.0.0.1:1', 'web');
  deadRedis.on('error', () => undefined);

  beforeAll(async () => {
    t = await makeTestDeps(makeFakeTwilio(), { env: { INBOUND_EVENTS_SECRET: SECRET } });
    server = createServer(makeRequestListener({ ...t.deps, redis: deadRedis }));
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    deadRedis.disconnect();
    await t.close();
  });

  it('answers 503 with Retry-After quickly, so the sender retries', async () => {
    const started = Date.now();

    const response = await send(JSON.stringify(claimPaid()));

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
