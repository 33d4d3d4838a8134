// The built web process (dist/main/web.js) with OTEL_EXPORTER_OTLP_ENDPOINT set sends its spans to
// a collector by OTLP/HTTP, the last of them on SIGTERM.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { inboundForm } from '../http/webhook-test-app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deletePrefix, makeTestRedis, testPrefix } from '../support/redis';
import { startService, waitForOutput } from '../support/processes';

const PUBLIC_BASE_URL = 'https://bot.example.test';
const prefix = testPrefix();
let database: TestDatabase;
let collector: Server;
let endpoint: string;
const exported: Array<{ path: string | undefined; contentType: string | undefined; body: string }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      exported.push({ path: req.url, contentType: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  collector.closeAllConnections();
  await new Promise((resolve) => collector.close(resolve));
  const redis = makeTestRedis();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await database.drop();
});

test('with OTEL_EXPORTER_OTLP_ENDPOINT the web process exports the webhook span, named for OTEL_SERVICE_NAME', async () => {
  const web = startService('web', {
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: prefix,
    PUBLIC_BASE_URL,
    PORT: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: 'whatsapp-handler-web-test',
  });
  await waitForOutput(web, (output) => /web listening on port \d+/.test(output));
  const port = Number(/web listening on port (\d+)/.exec(web.output())![1]);
  const form = inboundForm({ From: 'whatsapp:+447700900123', Body: 'a text no span may hold' });
  const path = '/webhooks/twilio/whatsapp';
  const signature = twilio.getExpectedTwilioSignature('local-stand-in-auth-token', `${PUBLIC_BASE_URL}${path}`, form);
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(form).toString(),
  });
  expect(response.status).toBe(200);

  // The batch processor has not sent it yet (it waits seconds); shutting down flushes it.
  web.child.kill('SIGTERM');

  expect(await web.exited).toBe(0);
  const body = exported.map((e) => e.body).join('\n');
  expect(exported.every((e) => e.path === '/v1/traces')).toBe(true);
  expect(body).toContain('whatsapp-handler-web-test');
  expect(body).toContain(`POST ${path}`);
  expect(body).toContain(form.MessageSid);
  expect(body).not.toContain('7700900123');
  expect(body).not.toContain('a text no span may hold');
});
