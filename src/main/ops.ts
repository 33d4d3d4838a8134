// `npm run ops -- find <number> [--json]`: the on-call look at one passenger (src/ops), run with
// the service's configuration (same DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX and the secret that
// names senders in Redis). Reads only. Prints the number masked, never in full; a malformed
// number stops with exit code 2, an unreachable Postgres or Redis with 1.
import path from 'node:path';
import { loadConfig, loadDevConfig, type Config } from '../config';
import { systemClock } from '../clock';
import { makePool } from '../db/pool';
import { closeQueues, makeQueues } from '../jobs/make-queues';
import { redisKeys } from '../jobs/redis-keys';
import { findPassenger } from '../ops/find-passenger';
import { formatPassengerReport } from '../ops/format-passenger';
import { isE164, maskPhone, phoneFromWhatsAppAddress } from '../phone';
import { makeRedis } from '../redis';

const USAGE = 'usage: npm run ops -- find <number in E.164, such as +447700900123> [--json]';
/** How long to wait for Redis before saying it cannot be reached. */
const REDIS_WAIT_MS = 5_000;
const CHECKOUT = path.join(__dirname, '../..');

class UsageError extends Error {}

/** "+44 7700 900123", "whatsapp:+447700900123" -> "+447700900123"; throws UsageError for anything else. */
export function parseNumberArgument(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new UsageError(USAGE);
  const phone = phoneFromWhatsAppAddress(raw.replace(/[\s().-]/g, ''));
  if (phone === undefined || !isE164(phone)) {
    // Masked even here: a number typed without its "+" is still someone's number.
    throw new UsageError(
      `not a phone number in E.164 form: ${maskPhone(raw)} (write it with its country code, such as +447700900123)`,
    );
  }
  return phone;
}

/** Outside production, the same per-checkout defaults as `npm run dev` (decision 0025). */
function opsConfig(): Config {
  const config = loadConfig();
  return config.nodeEnv === 'development' ? loadDevConfig(CHECKOUT).config : config;
}

async function main(args: readonly string[]): Promise<void> {
  const [command, raw, ...rest] = args.filter((arg) => arg !== '--json');
  if (command !== 'find' || rest.length > 0) throw new UsageError(USAGE);
  const phone = parseNumberArgument(raw);
  const config = opsConfig();

  const db = makePool(config.databaseUrl, { max: 4, applicationName: 'whatsapp-handler-ops' });
  // Commands fail at once rather than wait for a Redis that is not there.
  const redis = makeRedis(config, 'web');
  redis.on('error', () => undefined);
  const queues = makeQueues(redis, config.redisKeyPrefix);
  try {
    await new Promise<void>((resolve, reject) => {
      if (redis.status === 'ready') return resolve();
      const timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${config.redisUrl}`)), REDIS_WAIT_MS);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const keys = redisKeys(config.redisKeyPrefix, {
      finishedMessageTtlSeconds: config.finishedMessageTtlSeconds,
      senderKeySecret: config.senderKeySecret,
    });
    const report = await findPassenger({ db, redis, queues, keys, clock: systemClock }, phone);
    process.stdout.write(
      args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatPassengerReport(report),
    );
  } finally {
    await closeQueues(queues).catch(() => undefined);
    redis.disconnect();
    await db.end().catch(() => undefined);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
