// .dev-server.json: written whole by `npm run dev`, read by `npm run chat` and by a second
// `npm run dev` in the same checkout; a file whose process is gone counts as no file.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { chatTargets } from '../../src/dev/chat-targets';
import {
  devServerFilePath,
  processAlive,
  readDevServerFile,
  removeDevServerFile,
  writeDevServerFile,
  type DevServerInfo,
} from '../../src/dev/dev-server-file';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wh-dev-server-'));
  file = path.join(dir, '.dev-server.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const info = (overrides: Partial<DevServerInfo> = {}): DevServerInfo => ({
  pid: process.pid,
  startedAt: new Date().toISOString(),
  webUrl: 'http://127.0.0.1:3100',
  publicBaseUrl: 'http://localhost:3100',
  localTwilioUrl: 'http://127.0.0.1:3199',
  redisKeyPrefix: 'wh-dev-0123abcd',
  database: 'wh_dev_0123abcd',
  inboundEventsStream: 'railrepay:events:wh-dev-0123abcd',
  ...overrides,
});

test('what is written is read back while its process runs, and no temporary file is left', async () => {
  await writeDevServerFile(file, info());

  expect(await readDevServerFile(file)).toEqual(info({ startedAt: expect.any(String) }));
  expect(await readdir(dir)).toEqual(['.dev-server.json']);
});

test('a file whose process is gone, a missing file and an unreadable one all read as no server', async () => {
  // Above the largest pid Linux can give (2^22), so no process has it.
  await writeDevServerFile(file, info({ pid: 4_194_305 }));
  expect(processAlive(4_194_305)).toBe(false);
  expect(await readDevServerFile(file)).toBeUndefined();

  expect(await readDevServerFile(path.join(dir, 'missing.json'))).toBeUndefined();

  await writeFile(file, '{"pid": ');
  expect(await readDevServerFile(file)).toBeUndefined();
  await writeFile(file, JSON.stringify({ pid: process.pid }));
  expect(await readDevServerFile(file)).toBeUndefined();
});

test("a server removes its own file on the way out, never another's", async () => {
  await writeDevServerFile(file, info({ pid: process.pid + 1 }));
  await removeDevServerFile(file, process.pid);
  expect(JSON.parse(await readFile(file, 'utf8')).pid).toBe(process.pid + 1);

  await writeDevServerFile(file, info());
  await removeDevServerFile(file, process.pid);
  expect(await readdir(dir)).toEqual([]);
});

test('the file is .dev-server.json in the checkout unless DEV_SERVER_FILE names another', () => {
  expect(devServerFilePath(undefined, '/src/checkout')).toBe('/src/checkout/.dev-server.json');
  expect(devServerFilePath('/tmp/other.json', '/src/checkout')).toBe('/tmp/other.json');
  expect(devServerFilePath('state/dev.json', '/src/checkout')).toBe('/src/checkout/state/dev.json');
});

describe('where npm run chat talks to', () => {
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: '3000',
    LOCAL_TWILIO_PORT: '3099',
    DATABASE_URL: 'postgres://dev:secret@db.local:5433/wh_dev_ffffffff',
  });

  it("the running server's URLs, database and stream when it left its file", () => {
    const targets = chatTargets(config, info());

    expect(targets).toEqual({
      webhookUrl: 'http://localhost:3100/webhooks/twilio/whatsapp',
      standInUrl: 'http://127.0.0.1:3199',
      databaseUrl: 'postgres://dev:secret@db.local:5433/wh_dev_0123abcd',
      inboundEventsStream: 'railrepay:events:wh-dev-0123abcd',
      source: `\`npm run dev\` (pid ${process.pid}, Redis prefix wh-dev-0123abcd)`,
    });
  });

  it('the configuration without a running server', () => {
    const targets = chatTargets(config, undefined);

    expect(targets).toMatchObject({
      webhookUrl: 'http://localhost:3000/webhooks/twilio/whatsapp',
      standInUrl: 'http://127.0.0.1:3099',
      databaseUrl: 'postgres://dev:secret@db.local:5433/wh_dev_ffffffff',
      inboundEventsStream: 'railrepay:events',
    });
  });
});
