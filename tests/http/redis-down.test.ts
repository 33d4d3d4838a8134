import { createServer, type Server } from 'node:http';
import { makeRequestListener } from '../../src/http/app';
import { closeQueues, makeQueues } from '../../src/jobs/make-queues';
import { makeRedis } from '../../src/redis';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { inboundForm, PUBLIC_BASE_URL } from './webhook-test-app';
import twilio from 'twilio';

// The web process as it is built in production (a fail-fast Redis connection), pointed at a
// port where no Redis listens.
let t: TestDeps;
let server: Server;
let url: string;
const deadRedis = makeRedis('redis://127.0.0.1:1', 'web');
deadRedis.on('error', () => undefined);
const deadQueues = makeQueues(deadRedis, 'wh-dead');
for (const queue of Object.values(deadQueues)) queue.on('error', () => undefined);

beforeAll(async () => {
  t = await makeTestDeps(makeFakeTwilio(), { env: { PUBLIC_BASE_URL } });
  server = createServer(makeRequestListener({ ...t.deps, redis: deadRedis, queues: deadQueues }));
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  deadRedis.disconnect();
  await closeQueues(deadQueues).catch(() => undefined);
  await t.close();
});

test('when Redis is unreachable the webhook answers 503 quickly, so Twilio retries', async () => {
  const form = inboundForm();
  const path = '/webhooks/twilio/whatsapp';
  const signature = twilio.getExpectedTwilioSignature(
    t.deps.config.twilio.authToken,
    `${PUBLIC_BASE_URL}${path}`,
    form,
  );
  const started = Date.now();
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(form).toString(),
  });
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(Date.now() - started).toBeLessThan(1_500);
});

test('readiness reports Redis as down and Postgres as up', async () => {
  const response = await fetch(`${url}/readyz`);
  expect(response.status).toBe(503);
  const body = (await response.json()) as { checks: Record<string, string> };
  expect(body.checks.postgres).toBe('ok');
  expect(body.checks.redis).not.toBe('ok');
});
