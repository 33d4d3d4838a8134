// `npm run dev`: migrations, web and worker in one process for local use. With no Twilio
// credentials it starts the local Twilio stand-in and points the official client at it, so the
// bot can be tried with no account; verification codes are logged for the developer.
//
// Each checkout gets its own Redis prefix, database and claim-events stream unless they are set
// (loadDevConfig, decision 0025), and writes .dev-server.json for `npm run chat`. A second dev
// server in the same checkout, or on ports already taken, refuses to start with one line.
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadDevConfig, type Config } from '../config';
import { createDatabaseIfMissing } from '../db/create-database';
import { devServerFilePath, readDevServerFile, removeDevServerFile, writeDevServerFile } from '../dev/dev-server-file';
import { prettyLogDestination } from '../dev/pretty-log';
import { makeLogger, type Logger } from '../logger';
import { startTracing } from '../observability/tracing';
import { maskPhone } from '../phone';
import { startLocalTwilio } from '../twilio/local-twilio';
import { buildDeps } from './build-deps';
import { onShutdownSignal, runMain, type ShutdownStep } from './shutdown';
import { startWeb } from './web';
import { startWorkerProcess } from './worker';

function migrate(config: Config, logger: Logger): void {
  execFileSync(process.execPath, [path.join(__dirname, '../../scripts/migrate.mjs'), 'up'], {
    // The child needs the rest of the environment (PATH and the like) and the parsed database URL.
    // eslint-disable-next-line no-restricted-properties
    env: { ...process.env, DATABASE_URL: config.databaseUrl, MIGRATE_QUIET: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  logger.info('migrations up to date');
}

const CHECKOUT = path.join(__dirname, '../..');

/** The error of a port already taken, as one line saying which variable moves it. */
async function onPort<T>(variable: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(
      `port ${port} (${variable}) is already in use, perhaps by \`npm run dev\` in another checkout: ` +
        `stop it, or start this one with another ${variable}`,
      { cause: error },
    );
  }
}

async function withLocalTwilio(
  config: Config,
  logger: Logger,
): Promise<{ config: Config; url: string | undefined; stop: ShutdownStep[] }> {
  if (config.twilio.mode !== 'local') return { config, url: undefined, stop: [] };
  const standIn = await onPort('LOCAL_TWILIO_PORT', config.localTwilioPort, () =>
    startLocalTwilio({
      port: config.localTwilioPort,
      accountSid: config.twilio.accountSid,
      authToken: config.twilio.authToken,
      verifyServiceSid: config.twilio.verifyServiceSid,
      // A local tool for developers: the code is shown so the flow can be completed by hand.
      onCode: (to, code) => logger.info(`local Twilio: verification code for ${maskPhone(to)} is ${code}`),
    }),
  );
  logger.info({ url: standIn.url }, 'local Twilio stand-in started (no Twilio credentials configured)');
  return {
    config: { ...config, twilio: { ...config.twilio, apiBaseUrl: standIn.url, verifyBaseUrl: standIn.url } },
    url: standIn.url,
    stop: [{ name: 'local Twilio stand-in', run: () => standIn.close() }],
  };
}

runMain(async () => {
  const { config: loaded, createDatabase } = loadDevConfig(CHECKOUT);
  if (loaded.nodeEnv === 'production') throw new Error('npm run dev is for local use and refuses NODE_ENV=production');
  const stateFile = devServerFilePath(loaded.devServerFile, CHECKOUT);
  const running = await readDevServerFile(stateFile);
  if (running !== undefined && running.pid !== process.pid) {
    throw new Error(
      `npm run dev is already running in this checkout (pid ${running.pid}, ${running.webUrl}, ` +
        `Redis prefix ${running.redisKeyPrefix}): stop it first, or use it (\`npm run chat\`)`,
    );
  }
  // Readable lines in a terminal; JSON, as in production, when the output goes to a pipe or file.
  const logger = makeLogger(loaded.logLevel, process.stdout.isTTY ? prettyLogDestination() : undefined);
  const database = new URL(loaded.databaseUrl).pathname.slice(1);
  // Listening before start-up begins, as web and worker do: a signal meanwhile must not find
  // Node's default, which would leave the dev server file behind. (A signal is handled from the
  // event loop, so `starting` is set by then.)
  onShutdownSignal(logger, async () => {
    const { web, worker, stopTwilio, deps, stopTracing } = await starting;
    return [
      // First, so `npm run chat` stops finding a server that is going away.
      { name: 'dev server file', run: () => removeDevServerFile(stateFile) },
      ...web.stop,
      ...worker.stop,
      ...stopTwilio,
      { name: 'connections', run: () => deps.close() },
      // Last, so the spans of the shutdown's final jobs are sent too.
      { name: 'tracing', run: stopTracing },
    ];
  });
  const starting = startDevServer(loaded, createDatabase, logger, stateFile, database);
  await starting;
});

/** Everything `npm run dev` runs, in order; what the shutdown stops. */
async function startDevServer(
  loaded: Config,
  createDatabase: string | undefined,
  logger: Logger,
  stateFile: string,
  database: string,
) {
  if (createDatabase !== undefined && (await createDatabaseIfMissing(loaded.databaseUrl, createDatabase)))
    logger.info({ database }, `created database ${database} for this checkout`);
  migrate(loaded, logger);
  const { config, url: localTwilioUrl, stop: stopTwilio } = await withLocalTwilio(loaded, logger);
  const stopTracing = startTracing(config);
  const deps = buildDeps(config, { role: 'worker', logger });
  const web = await onPort('PORT', config.port, () => startWeb(deps));
  const worker = await startWorkerProcess(deps);
  await writeDevServerFile(stateFile, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    webUrl: `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`,
    publicBaseUrl: config.publicBaseUrl,
    localTwilioUrl,
    redisKeyPrefix: config.redisKeyPrefix,
    database,
    inboundEventsStream: config.inboundEvents.stream,
  });
  logger.info(
    { redisKeyPrefix: config.redisKeyPrefix, database, stream: config.inboundEvents.stream, stateFile },
    `ready: POST ${config.publicBaseUrl}/webhooks/twilio/whatsapp, or try \`npm run chat\``,
  );
  return { web, worker, stopTwilio, deps, stopTracing };
}
