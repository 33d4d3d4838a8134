// `npm run dev` as a developer meets it on a fresh machine: an empty database, no Twilio
// credentials. The one process migrates, starts the local Twilio stand-in, web and worker, and
// answers a WhatsApp message through the stand-in.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { Client } from 'pg';
import { texts } from '../../src/conversation/texts';
import { createEmptyDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { deletePrefix, makeTestRedis, testPrefix } from '../support/redis';
import { startService, waitForOutput, type ServiceProcess } from '../support/processes';
import { inboundForm } from '../http/webhook-test-app';

const PUBLIC_BASE_URL = 'http://127.0.0.1:9';
const LOCAL_AUTH_TOKEN = 'local-stand-in-auth-token';
const PHONE = '+447700900461';
let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
const prefix = testPrefix();
// Not the checkout's own .dev-server.json: a developer's `npm run dev` may be running there.
const stateFile = path.join(tmpdir(), `${prefix}.dev-server.json`);

beforeAll(async () => (database = await createEmptyDatabase()));
afterAll(async () => {
  const redis = makeTestRedis();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await database.drop();
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: prefix,
    PUBLIC_BASE_URL,
    PORT: '0',
    LOCAL_TWILIO_PORT: '0',
    LOG_LEVEL: 'info',
    NODE_ENV: 'development',
    DEV_SERVER_FILE: stateFile,
    ...extra,
  };
}

async function usersTableExists(): Promise<boolean> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query(`select to_regclass('whatsapp_handler.users') is not null as present`);
    return rows[0].present as boolean;
  } finally {
    await client.end();
  }
}

async function replies(standInUrl: string): Promise<string[]> {
  const response = await fetch(`${standInUrl}/_local/messages?to=${encodeURIComponent(`whatsapp:${PHONE}`)}`);
  const { messages } = (await response.json()) as { messages: Array<{ body: string }> };
  return messages.map((message) => message.body);
}

test('on an empty database it migrates, answers a message through the stand-in, tells `npm run chat` where it is, and stops on SIGTERM', async () => {
  expect(await usersTableExists()).toBe(false);
  const dev: ServiceProcess = startService('dev', env());
  await waitForOutput(dev, (output) => output.includes('ready: POST'), 60_000);
  expect(await usersTableExists()).toBe(true);
  const port = Number(/web listening on port (\d+)/.exec(dev.output())![1]);
  const standInUrl = /"url":"(http:\/\/[^"]+)"[^\n]*local Twilio stand-in started/.exec(dev.output())![1]!;

  const form = inboundForm({ From: `whatsapp:${PHONE}`, WaId: PHONE.slice(1), Body: 'Hi' });
  const path = '/webhooks/twilio/whatsapp';
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(LOCAL_AUTH_TOKEN, PUBLIC_BASE_URL + path, form),
    },
    body: new URLSearchParams(form).toString(),
  });
  expect(response.status).toBe(200);
  const received = await eventually(
    async () => {
      const list = await replies(standInUrl);
      expect(list).not.toHaveLength(0);
      return list;
    },
    { timeoutMs: 20_000, what: 'a reply at the stand-in' },
  );
  expect(received).toEqual([texts.welcome]);

  // It told `npm run chat` where it is, and a second one in the same checkout refuses to start.
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  expect(state).toMatchObject({
    pid: dev.child.pid,
    webUrl: `http://127.0.0.1:${port}`,
    publicBaseUrl: PUBLIC_BASE_URL,
    localTwilioUrl: standInUrl,
    redisKeyPrefix: prefix,
    database: database.name,
  });
  const second = startService('dev', env());
  expect(await second.exited).toBe(1);
  expect(second.output().trim().split('\n')).toEqual([
    expect.stringContaining(`npm run dev is already running in this checkout (pid ${dev.child.pid}`),
  ]);

  dev.child.kill('SIGTERM');
  expect(await dev.exited).toBe(0);
  expect(existsSync(stateFile)).toBe(false);
  expect(dev.output()).toContain('shutdown complete');
  // The log names the sender only masked.
  expect(dev.output()).not.toContain(PHONE.slice(1));
}, 90_000);

test('a SIGTERM while it starts stops what started and leaves no dev server file', async () => {
  const dev = startService('dev', env());
  // Migrated; the stand-in, web and worker are still to come.
  await waitForOutput(dev, (output) => output.includes('migrations up to date'), 60_000);
  dev.child.kill('SIGTERM');
  expect(await dev.exited).toBe(0);
  expect(dev.output()).toContain('shutdown complete');
  expect(existsSync(stateFile)).toBe(false);
}, 90_000);

test('it refuses to start with NODE_ENV=production', async () => {
  const dev = startService('dev', env({ NODE_ENV: 'production' }));
  expect(await dev.exited).toBe(1);
  expect(dev.output().trim().split('\n')).toHaveLength(1);
  expect(dev.output()).toMatch(/production/i);
});

test('a port already taken stops it with one line naming the variable', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  try {
    const dev = startService('dev', env({ PORT: String(port) }));
    expect(await dev.exited).toBe(1);
    expect(dev.output()).toContain(`port ${port} (PORT) is already in use`);
    expect(existsSync(stateFile)).toBe(false);
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
}, 60_000);
