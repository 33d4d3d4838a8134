// Bull Board in a real browser (Debian's chromium driven by playwright-core): behind basic auth
// it renders every queue; without credentials the browser gets 401; a page from another origin
// cannot make it act with the operator's credentials, while its own buttons work.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { QUEUE } from '../../src/jobs/queues';
import { eventually } from '../support/eventually';
import { finishedJob, stateOf } from './bull-board-jobs';
import { startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium tries to reach Google's hosts at start.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The suite is also run with a faked process clock (libfaketime, see tests/README.md) to show it
 * passes at any hour; like the database, the browser keeps the real clock: its renderer stalls
 * under a preloaded fake one.
 */
function withoutFakedClock(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME')) env[name] = value;
  }
  return env;
}

let app: WebhookTestApp;
let browser: Browser;
/** Another origin (same host, another port): whatever page it is told to serve. */
let otherSite: Server;
let otherSiteUrl: string;
let otherSitePage = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`,
    );
  }
  app = await startWebhookTestApp({ BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'board-secret' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env: withoutFakedClock() });
  otherSite = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(otherSitePage));
  await new Promise<void>((resolve) => otherSite.listen(0, '127.0.0.1', resolve));
  const address = otherSite.address();
  otherSiteUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  otherSite?.closeAllConnections();
  await new Promise((resolve) => (otherSite ? otherSite.close(resolve) : resolve(undefined)));
  await app?.stop();
});

test('an operator with credentials sees every queue listed on the board', async () => {
  const context = await browser.newContext({ httpCredentials: { username: 'ops', password: 'board-secret' } });
  const page = await context.newPage();
  const response = await page.goto(`${app.url}/admin/queues`);
  expect(response?.status()).toBe(200);
  for (const name of Object.keys(app.deps.queues)) {
    await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
  }
  await context.close();
}, 60_000);

test('a browser without credentials gets 401', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const statuses: number[] = [];
  page.on('response', (response) => statuses.push(response.status()));
  // Headless Chromium cancels the credentials prompt, so navigation ends in an auth error.
  await expect(page.goto(`${app.url}/admin/queues`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
  expect(statuses).toEqual([401]);
  await context.close();
}, 30_000);

test("a page from another origin cannot make the board act with the operator's credentials", async () => {
  const kept = app.deps.queues[QUEUE.inboundEventsKept];
  const jobId = await finishedJob(kept, app.redis, 'failed');
  const retryUrl = `${app.url}/admin/queues/api/queues/${QUEUE.inboundEventsKept}/${jobId}/retry`;
  const addUrl = `${app.url}/admin/queues/api/queues/${QUEUE.outbound}/add`;
  // Bull Board's retry is a PUT: from another origin only after a CORS preflight, which the board
  // never answers. A form can only POST; that reaches the board with the credentials. Without the
  // origin check a form POST to "add" queues a job (Bull Board reads no body from it).
  otherSitePage = `<!doctype html>
    <form id="retry" method="POST" action="${retryUrl}"></form>
    <form id="add" method="POST" enctype="text/plain" action="${addUrl}"><input name="x" value="y"></form>
    <script>
      window.putResult = fetch(${JSON.stringify(retryUrl)}, { method: 'PUT', credentials: 'include' })
        .then((response) => 'answered ' + response.status, (error) => 'blocked: ' + error.message);
    </script>`;
  const context = await browser.newContext({ httpCredentials: { username: 'ops', password: 'board-secret' } });
  const page = await context.newPage();
  // The operator is signed in to the board in this browser.
  expect((await page.goto(`${app.url}/admin/queues`))?.status()).toBe(200);
  const submit = async (form: string, url: string) => {
    const tab = await context.newPage();
    await tab.goto(otherSiteUrl);
    const [response] = await Promise.all([
      tab.waitForResponse((response) => response.url() === url && response.status() !== 401),
      tab.evaluate(`document.getElementById('${form}').submit()`),
    ]);
    return response;
  };

  await page.goto(otherSiteUrl);
  expect(await page.evaluate('window.putResult')).toMatch(/^blocked: /);
  const retry = await submit('retry', retryUrl);
  const add = await submit('add', addUrl);

  expect(retry.status()).toBe(403);
  expect(await retry.json()).toEqual({
    code: 'CROSS_ORIGIN_REFUSED',
    // 127.0.0.1 on another port is the same site, but not the same origin.
    message: 'cross-origin request refused: Sec-Fetch-Site is same-site, not same-origin',
  });
  expect(add.status()).toBe(403);
  expect(((await add.json()) as { code: string }).code).toBe('CROSS_ORIGIN_REFUSED');
  expect(await stateOf(kept, jobId)).toBe('failed');
  expect(await app.deps.queues[QUEUE.outbound].count()).toBe(0);
  await context.close();
}, 60_000);

test("the board's own retry button retries a failed job", async () => {
  const queue = app.deps.queues[QUEUE.outboxRelay];
  const jobId = await finishedJob(queue, app.redis, 'failed');
  const context = await browser.newContext({ httpCredentials: { username: 'ops', password: 'board-secret' } });
  const page = await context.newPage();
  await page.goto(`${app.url}/admin/queues/queue/${QUEUE.outboxRelay}?status=failed`);
  await page.getByText('failed for a Bull Board test').first().waitFor({ timeout: 15_000 });

  // The job card's retry button is an icon; "Retry all" carries the same icon with a label.
  await page.locator('button:has(svg.lucide-refresh-cw)').filter({ hasNotText: 'Retry all' }).first().click();
  const [retried] = await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().endsWith('/retry')),
    page.getByRole('button', { name: 'Confirm' }).click(),
  ]);

  expect(retried.status()).toBe(204);
  await eventually(async () => expect(await stateOf(queue, jobId)).toBe('waiting'), { what: 'job retried' });
  await context.close();
}, 60_000);
