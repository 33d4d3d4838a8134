// Bull Board's state-changing requests are accepted from its own origin only: basic auth alone
// would let any site's page act with the credentials a browser remembers (CSRF).
import { QUEUE } from '../../src/jobs/queues';
import { PUBLIC_BASE_URL, startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

let app: WebhookTestApp;
beforeAll(
  async () => (app = await startWebhookTestApp({ BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'board-secret' })),
);
afterAll(() => app.stop());

const operator = { authorization: `Basic ${Buffer.from('ops:board-secret').toString('base64')}` };
const queue = () => app.deps.queues[QUEUE.inbound];

function pause(headers: Record<string, string>): Promise<Response> {
  return fetch(`${app.url}/admin/queues/api/queues/${QUEUE.inbound}/pause`, {
    method: 'PUT',
    headers: { ...operator, ...headers },
  });
}

afterEach(async () => {
  await queue().resume();
});

test('a PUT from another origin is refused and the queue stays running', async () => {
  const response = await pause({ origin: 'https://evil.example' });

  expect(response.status).toBe(403);
  expect(await response.json()).toEqual({
    code: 'CROSS_ORIGIN_REFUSED',
    message: expect.stringContaining('https://evil.example'),
  });
  expect(await queue().isPaused()).toBe(false);
});

test('a form POST from another origin is refused before Bull Board sees it', async () => {
  const response = await fetch(`${app.url}/admin/queues/api/queues/${QUEUE.outbound}/add`, {
    method: 'POST',
    headers: { ...operator, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'name=send-message',
  });

  expect(response.status).toBe(403);
  expect(((await response.json()) as { code: string }).code).toBe('CROSS_ORIGIN_REFUSED');
  expect(await app.deps.queues[QUEUE.outbound].count()).toBe(0);
});

test('a PUT whose Origin is the address it was sent to pauses the queue', async () => {
  const response = await pause({ origin: app.url });

  expect(response.status).toBe(200);
  expect(await queue().isPaused()).toBe(true);
});

test('an Origin equal to PUBLIC_BASE_URL is accepted, as the board is opened there behind the proxy', async () => {
  expect((await pause({ origin: PUBLIC_BASE_URL })).status).toBe(200);
});

test('behind the proxy, the forwarded host and protocol name the origin the request was sent to', async () => {
  const forwarded = { 'x-forwarded-host': 'ops.example.test', 'x-forwarded-proto': 'https' };

  expect((await pause({ ...forwarded, origin: 'https://ops.example.test' })).status).toBe(200);
  expect((await pause({ ...forwarded, origin: 'http://ops.example.test' })).status).toBe(403);
});

test.each(['cross-site', 'same-site', 'none'])(
  'Sec-Fetch-Site %s is refused, whatever the Origin says',
  async (site) => {
    const response = await pause({ 'sec-fetch-site': site, origin: app.url });

    expect(response.status).toBe(403);
    expect(await queue().isPaused()).toBe(false);
  },
);

test('Sec-Fetch-Site same-origin is accepted', async () => {
  expect((await pause({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
});

test('without Origin, a Referer from this origin is accepted and one from elsewhere refused', async () => {
  expect((await pause({ referer: 'https://evil.example/admin/queues' })).status).toBe(403);
  expect(await queue().isPaused()).toBe(false);
  expect((await pause({ referer: `${app.url}/admin/queues/queue/${QUEUE.inbound}` })).status).toBe(200);
});

test('a request with no Sec-Fetch-Site, Origin or Referer is refused; a script sends Origin', async () => {
  const response = await pause({});

  expect(response.status).toBe(403);
  expect(((await response.json()) as { message: string }).message).toMatch(/no Sec-Fetch-Site, Origin or Referer/);
  expect(await queue().isPaused()).toBe(false);
});

test('an opaque Origin (null) is refused', async () => {
  expect((await pause({ origin: 'null' })).status).toBe(403);
});

test('reading the board needs no Origin', async () => {
  const response = await fetch(`${app.url}/admin/queues/api/queues`, { headers: operator });
  expect(response.status).toBe(200);
});

test('without credentials a cross-origin request gets 401, as any other', async () => {
  const response = await fetch(`${app.url}/admin/queues/api/queues/${QUEUE.inbound}/pause`, {
    method: 'PUT',
    headers: { origin: 'https://evil.example' },
  });
  expect(response.status).toBe(401);
});

test('the board may not be framed by another site, whose page could have an operator click its buttons', async () => {
  const response = await fetch(`${app.url}/admin/queues`, { headers: operator });

  expect(response.status).toBe(200);
  expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
  expect(response.headers.get('x-frame-options')).toBe('DENY');
});
