import { inboundForm, startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

let app: WebhookTestApp;
beforeAll(
  async () => (app = await startWebhookTestApp({ BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'board-secret' })),
);
afterAll(() => app.stop());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('healthz says the process is alive', async () => {
  const response = await fetch(`${app.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});

test('readyz is 200 while Postgres and Redis answer, and 503 once shutdown starts', async () => {
  const ready = await fetch(`${app.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  app.readiness.shuttingDown = true;
  try {
    expect((await fetch(`${app.url}/readyz`)).status).toBe(503);
  } finally {
    app.readiness.shuttingDown = false;
  }
});

test('metrics expose webhook durations, queue depth and process metrics', async () => {
  await app.post('/webhooks/twilio/whatsapp', inboundForm());
  const response = await fetch(`${app.url}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).toMatch(
    /whatsapp_webhook_duration_seconds_count\{route="\/webhooks\/twilio\/whatsapp",status="200"\} [1-9]/,
  );
  expect(text).toMatch(/whatsapp_queue_jobs\{queue="inbound-messages",state="waiting"\} [1-9]/);
  expect(text).toContain('process_cpu_user_seconds_total');
});

test('Bull Board asks for credentials and refuses wrong ones', async () => {
  const anonymous = await fetch(`${app.url}/admin/queues`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
  const wrong = await fetch(`${app.url}/admin/queues`, { headers: { authorization: basic('ops', 'guess') } });
  expect(wrong.status).toBe(401);
});

test("Bull Board's API lists every queue to an operator", async () => {
  const response = await fetch(`${app.url}/admin/queues/api/queues`, {
    headers: { authorization: basic('ops', 'board-secret') },
  });
  expect(response.status).toBe(200);
  const { queues } = (await response.json()) as { queues: Array<{ name: string }> };
  const names = queues.map((queue) => queue.name).sort();
  expect(names).toEqual(Object.keys(app.deps.queues).sort());
});

test('an unknown path gets a JSON 404', async () => {
  const response = await fetch(`${app.url}/nope`);
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'not found' });
});
