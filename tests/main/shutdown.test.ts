// Graceful shutdown of the real processes (dist/main/*.js): SIGTERM lets in-flight work finish
// and the process exits 0 well within the platform's 30 s.
import http from 'node:http';
import twilio from 'twilio';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { deletePrefix, makeTestRedis, testPrefix } from '../support/redis';
import { startService, waitForOutput, type ServiceProcess } from '../support/processes';
import { inboundForm } from '../http/webhook-test-app';

const PUBLIC_BASE_URL = 'https://bot.example.test';
let database: TestDatabase;
const prefix = testPrefix();

beforeAll(async () => (database = await createTestDatabase()));
afterAll(async () => {
  const redis = makeTestRedis();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await database.drop();
});

function env(): NodeJS.ProcessEnv {
  return { DATABASE_URL: database.url, REDIS_KEY_PREFIX: prefix, PUBLIC_BASE_URL, PORT: '0', LOG_LEVEL: 'info' };
}

async function port(service: ServiceProcess): Promise<number> {
  await waitForOutput(service, (output) => /web listening on port \d+/.test(output));
  return Number(/web listening on port (\d+)/.exec(service.output())![1]);
}

test('on SIGTERM the web process finishes an in-flight webhook, then exits 0', async () => {
  const web = startService('web', env());
  const listeningOn = await port(web);
  const form = inboundForm();
  const body = new URLSearchParams(form).toString();
  const signature = twilio.getExpectedTwilioSignature(
    'local-stand-in-auth-token',
    `${PUBLIC_BASE_URL}/webhooks/twilio/whatsapp`,
    form,
  );

  // Start a request and hold back the end of its body, so it is in flight when SIGTERM lands.
  // `Expect: 100-continue` makes the web process say when it has read the request head (Node
  // answers "100 Continue" and starts handling the request): from then on the request is in flight.
  const req = http.request({
    host: '127.0.0.1',
    port: listeningOn,
    method: 'POST',
    path: '/webhooks/twilio/whatsapp',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      'x-twilio-signature': signature,
      expect: '100-continue',
    },
  });
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  let headRead = false;
  req.on('continue', () => (headRead = true));
  req.write(body.slice(0, 20));
  const started = Date.now();
  await eventually(() => expect(headRead).toBe(true), { what: 'the web process reading the request' });

  web.child.kill('SIGTERM');
  await waitForOutput(web, (output) => output.includes('shutting down'));
  req.end(body.slice(20));

  expect(await answered).toBe(200);
  expect(await web.exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(25_000);
  expect(web.output()).toContain('shutdown complete');
});

test('on SIGTERM the worker process closes its workers and exits 0', async () => {
  const worker = startService('worker', env());
  await waitForOutput(worker, (output) => output.includes('workers ready'), 20_000);
  const started = Date.now();
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(25_000);
  expect(worker.output()).toContain('shutdown complete');
});

test('a bad environment variable stops the process at start with one line naming it', async () => {
  const web = startService('web', { ...env(), PORT: 'eighty' });
  expect(await web.exited).toBe(1);
  expect(web.output().trim()).toMatch(/^Invalid environment variable PORT: [^\n]+$/);
});
