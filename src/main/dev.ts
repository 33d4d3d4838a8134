// `npm run dev`: migrations, web and worker in one process for local use. With no Twilio
// credentials it starts the local Twilio stand-in and points the official client at it, so the
// bot can be tried with no account; verification codes are logged for the developer.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig, type Config } from '../config';
import { makeLogger, type Logger } from '../logger';
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

async function withLocalTwilio(config: Config, logger: Logger): Promise<{ config: Config; stop: ShutdownStep[] }> {
  if (config.twilio.mode !== 'local') return { config, stop: [] };
  const standIn = await startLocalTwilio({
    port: config.localTwilioPort,
    accountSid: config.twilio.accountSid,
    authToken: config.twilio.authToken,
    verifyServiceSid: config.twilio.verifyServiceSid,
    // A local tool for developers: the code is shown so the flow can be completed by hand.
    onCode: (to, code) => logger.info(`local Twilio: verification code for ${maskPhone(to)} is ${code}`),
  });
  logger.info({ url: standIn.url }, 'local Twilio stand-in started (no Twilio credentials configured)');
  return {
    config: { ...config, twilio: { ...config.twilio, apiBaseUrl: standIn.url, verifyBaseUrl: standIn.url } },
    stop: [{ name: 'local Twilio stand-in', run: () => standIn.close() }],
  };
}

runMain(async () => {
  const loaded = loadConfig();
  if (loaded.nodeEnv === 'production') throw new Error('npm run dev is for local use and refuses NODE_ENV=production');
  const logger = makeLogger(loaded.logLevel);
  migrate(loaded, logger);
  const { config, stop: stopTwilio } = await withLocalTwilio(loaded, logger);
  const deps = buildDeps(config, { role: 'worker', logger });
  const web = await startWeb(deps);
  const worker = await startWorkerProcess(deps);
  logger.info(`ready: POST ${config.publicBaseUrl}/webhooks/twilio/whatsapp, or try \`npm run chat\``);
  onShutdownSignal(logger, () => [
    ...web.stop,
    ...worker.stop,
    ...stopTwilio,
    { name: 'connections', run: () => deps.close() },
  ]);
});
