// The whole service as separate processes: the real web process and worker processes from dist/,
// a database and Redis prefix of their own, and the local Twilio stand-in in the test process.
import { deriveSenderKeySecret } from '../../src/config';
import { redisKeys, type RedisKeys } from '../../src/jobs/redis-keys';
import type { RedisClient } from '../../src/redis';
import { startLocalTwilio, type LocalTwilio } from '../../src/twilio/local-twilio';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startService, waitForOutput, type ServiceProcess } from '../support/processes';
import { deletePrefix, testPrefix } from '../support/redis';
import { makeRedisFor, redisEnvFor, type RedisMode } from '../support/redis-modes';
import { makeWebhookClient, type WebhookClient } from './webhook-client';

export const ACCOUNT_SID = 'AC11111111111111111111111111111111';
export const AUTH_TOKEN = 'e2e-auth-token';
const VERIFY_SERVICE_SID = 'VA22222222222222222222222222222222';
export const BOT_NUMBER = '+14155238886';
// What the service believes its public URL is; signatures cover it, nothing listens there.
const PUBLIC_BASE_URL = 'https://bot.e2e.example';

export type Stack = {
  twilio: LocalTwilio;
  database: TestDatabase;
  redis: RedisClient;
  /** One Redis or a Redis Cluster. */
  redisMode: RedisMode;
  prefix: string;
  web: ServiceProcess;
  /** The service's Redis keys, as its processes name them. */
  keys: RedisKeys;
  /** Where the web process listens. */
  webUrl: string;
  workers: ServiceProcess[];
  webhooks: WebhookClient;
  /** Starts one more worker process with the same environment. */
  startWorker(): Promise<ServiceProcess>;
  stop(): Promise<void>;
};

export async function startStack(options: {
  workers: number;
  env?: NodeJS.ProcessEnv;
  redis?: RedisMode;
  /** A cluster of the test's own ("host:port,..."), instead of the run's shared one. */
  clusterNodes?: string;
}): Promise<Stack> {
  const redisMode = options.redis ?? 'single';
  const database = await createTestDatabase();
  const prefix = testPrefix();
  const redis = makeRedisFor(redisMode, options.clusterNodes);
  const twilio = await startLocalTwilio({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    verifyServiceSid: VERIFY_SERVICE_SID,
    // Callbacks would go to PUBLIC_BASE_URL, which nothing answers in the test.
    statusCallbacks: false,
  });
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    PUBLIC_BASE_URL,
    DATABASE_URL: database.url,
    ...redisEnvFor(redisMode, options.clusterNodes),
    REDIS_KEY_PREFIX: prefix,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_VERIFY_SERVICE_SID: VERIFY_SERVICE_SID,
    TWILIO_WHATSAPP_FROM: `whatsapp:${BOT_NUMBER}`,
    TWILIO_API_BASE_URL: twilio.url,
    TWILIO_VERIFY_BASE_URL: twilio.url,
    WORKER_CONCURRENCY: '8',
    LOG_LEVEL: 'info',
    ...options.env,
  };

  const web = startService('web', env);
  await waitForOutput(web, (output) => /web listening on port \d+/.test(output));
  const port = Number(/web listening on port (\d+)/.exec(web.output())![1]);

  const workers: ServiceProcess[] = [];
  const startWorker = async () => {
    const worker = startService('worker', env);
    workers.push(worker);
    await waitForOutput(worker, (output) => output.includes('workers ready'), 20_000);
    return worker;
  };
  await Promise.all(Array.from({ length: options.workers }, startWorker));

  return {
    twilio,
    database,
    redis,
    redisMode,
    prefix,
    web,
    webUrl: `http://127.0.0.1:${port}`,
    keys: redisKeys(prefix, { senderKeySecret: deriveSenderKeySecret(AUTH_TOKEN) }),
    workers,
    webhooks: makeWebhookClient({
      publicBaseUrl: PUBLIC_BASE_URL,
      actualBaseUrl: `http://127.0.0.1:${port}`,
      authToken: AUTH_TOKEN,
      accountSid: ACCOUNT_SID,
      botNumber: BOT_NUMBER,
    }),
    startWorker,
    async stop() {
      const alive = [web, ...workers].filter((p) => p.child.exitCode === null && p.child.signalCode === null);
      for (const service of alive) service.child.kill('SIGTERM');
      await Promise.all(alive.map((service) => service.exited));
      await twilio.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
      await database.drop();
    },
  };
}
