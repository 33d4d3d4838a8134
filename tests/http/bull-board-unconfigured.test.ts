import { startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

let app: WebhookTestApp;
beforeAll(async () => (app = await startWebhookTestApp()));
afterAll(() => app.stop());

test('without configured credentials Bull Board does not exist', async () => {
  expect((await fetch(`${app.url}/admin/queues`)).status).toBe(404);
  expect((await fetch(`${app.url}/admin/queues/api/queues`)).status).toBe(404);
});

test('with METRICS_TOKEN unset, metrics are open', async () => {
  expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
});
