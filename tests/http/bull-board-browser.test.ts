// Bull Board in a real browser (Debian's chromium driven by playwright-core): behind basic auth
// it renders every queue; without credentials the browser gets 401.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
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

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`,
    );
  }
  app = await startWebhookTestApp({ BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'board-secret' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env: withoutFakedClock() });
}, 60_000);

afterAll(async () => {
  await browser?.close();
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
