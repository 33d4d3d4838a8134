// The operator endpoints as a locked-down deployment configures them: /metrics behind
// METRICS_TOKEN, and a read-only Bull Board (BULL_BOARD_READ_ONLY).
import { QUEUE } from '../../src/jobs/queues';
import { inboundForm, startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

const METRICS_TOKEN = 'metrics-token-for-tests';
let app: WebhookTestApp;
beforeAll(
  async () =>
    (app = await startWebhookTestApp({
      METRICS_TOKEN,
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'board-secret',
      BULL_BOARD_READ_ONLY: 'true',
    })),
);
afterAll(() => app.stop());

const operator = { authorization: `Basic ${Buffer.from('ops:board-secret').toString('base64')}` };

test('metrics without the bearer token get 401', async () => {
  expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
  const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
  expect(wrong.status).toBe(401);
});

test('metrics with the bearer token are served as Prometheus text', async () => {
  const response = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await response.text()).toContain('# TYPE whatsapp_queue_jobs gauge');
});

test('a read-only board lists the queues as read-only', async () => {
  const response = await fetch(`${app.url}/admin/queues/api/queues`, { headers: operator });
  expect(response.status).toBe(200);
  const { queues } = (await response.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
  expect(queues.length).toBe(Object.keys(app.deps.queues).length);
  expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);
});

test('a read-only board refuses to pause a queue or clean its jobs', async () => {
  const queue = app.deps.queues[QUEUE.inbound];
  expect((await app.post('/webhooks/twilio/whatsapp', inboundForm())).status).toBe(200);
  const waiting = await queue.getWaitingCount();

  const pause = await fetch(`${app.url}/admin/queues/api/queues/${QUEUE.inbound}/pause`, {
    method: 'PUT',
    headers: { ...operator, origin: app.url },
  });
  const clean = await fetch(`${app.url}/admin/queues/api/queues/${QUEUE.inbound}/clean/waiting`, {
    method: 'PUT',
    headers: { ...operator, origin: app.url },
  });

  expect(pause.status).toBe(405);
  expect(clean.status).toBe(405);
  expect(await queue.isPaused()).toBe(false);
  expect(await queue.getWaitingCount()).toBe(waiting);
});

test('the webhook histogram only labels known routes', async () => {
  expect((await app.post('/webhooks/twilio/whatsapp', inboundForm())).status).toBe(200);
  expect((await fetch(`${app.url}/webhooks/made-up-${Date.now()}`, { method: 'POST' })).status).toBe(404);
  const text = await (
    await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  expect(text).not.toMatch(/whatsapp_webhook_duration_seconds_count\{route="\/webhooks\/made-up/);
  expect(text).toMatch(/whatsapp_webhook_duration_seconds_count\{route="\/webhooks\/twilio\/whatsapp"/);
});
