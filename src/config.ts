// Every environment variable the service reads, parsed once at start. A bad value stops the
// process with one line naming the variable; nothing else in the code reads process.env.
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { TERMS_VERSION_PATTERN } from './events/event-types';

const LOCAL_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000000';
const LOCAL_TWILIO_AUTH_TOKEN = 'local-stand-in-auth-token';
const LOCAL_TWILIO_VERIFY_SERVICE_SID = 'VA00000000000000000000000000000000';
/** The claim-update template the local stand-in serves (src/twilio/local-twilio/content-store.ts). */
export const LOCAL_CLAIM_UPDATE_CONTENT_SID = 'HX00000000000000000000000000000001';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));
const optionalUrl = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.url().optional());
// The form Standard Webhooks gives a secret: "whsec_" and the key, base64-encoded.
const STANDARD_WEBHOOKS_SECRET = /^whsec_[A-Za-z0-9+/]{24,}={0,2}$/;
const STANDARD_WEBHOOKS_SECRET_MESSAGE = 'must be a Standard Webhooks secret: whsec_ and base64';
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: optionalUrl,
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/postgres')
    .pipe(z.url().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .pipe(z.url().regex(/^rediss?:\/\//, 'must be a redis:// URL')),
  // A Redis Cluster instead of REDIS_URL: some of its nodes (host:port,host:port,...); the client
  // finds the rest. Every key of one sender, and of one queue, shares a hash slot (docs/scaling.md).
  REDIS_CLUSTER_NODES: optionalString.pipe(
    z
      .string()
      .regex(/^[^\s,:]+:[0-9]{1,5}(,[^\s,:]+:[0-9]{1,5})*$/, 'must be host:port,host:port,...')
      .optional(),
  ),
  TWILIO_ACCOUNT_SID: optionalString.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_WHATSAPP_FROM: z
    .string()
    .default('whatsapp:+14155238886')
    .pipe(z.string().regex(/^whatsapp:\+[1-9][0-9]{1,14}$/, 'must be whatsapp:+E164')),
  TWILIO_VERIFY_SERVICE_SID: optionalString.pipe(
    z
      .string()
      .regex(/^VA[0-9a-fA-F]{32}$/, 'must look like VA followed by 32 hex digits')
      .optional(),
  ),
  TWILIO_API_BASE_URL: optionalUrl,
  TWILIO_VERIFY_BASE_URL: optionalUrl,
  TWILIO_VERIFY_CHANNEL: z.enum(['sms', 'whatsapp', 'call']).default('sms'),
  // `npm run dev` serves the local Twilio stand-in here; `npm run chat` reads replies from it.
  LOCAL_TWILIO_PORT: z.coerce.number().int().min(0).max(65535).default(3099),
  BULL_BOARD_USER: optionalString,
  BULL_BOARD_PASSWORD: optionalString,
  BULL_BOARD_READ_ONLY: booleanFlag,
  // Adding jobs, editing their data, emptying/obliterating queues and the like (see
  // src/http/routes/bull-board-dangerous-actions.ts): off unless an operator turns them on.
  BULL_BOARD_DANGEROUS_ACTIONS: booleanFlag,
  INTERNAL_API_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  METRICS_TOKEN: optionalString,
  // Worker processes have no web server; this port lets Prometheus scrape their job metrics.
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Loopback unless an operator opens it: job metrics are for a scraper on the same host or network.
  WORKER_METRICS_HOST: z
    .union([z.ipv4(), z.ipv6(), z.hostname()], 'must be an IP address or host name')
    .default('127.0.0.1'),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  OUTBOX_TRANSPORT: z.enum(['redis', 'http']).default('redis'),
  OUTBOX_HTTP_URL: optionalUrl,
  OUTBOX_HTTP_SECRET: optionalString,
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  CLAIM_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(28),
  // The terms a YES accepts now, sent in user.registered (claim-dispatcher keeps consent).
  TERMS_VERSION: z.string().regex(TERMS_VERSION_PATTERN, 'letters, digits and ._- only, up to 32').default('2026-11'),
  // A number that never finished verification is deleted this many days after it registered.
  UNVERIFIED_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  // Claim updates from other RailRepay services: a Redis Stream read by a consumer group, and
  // POST /api/v1/events signed with Standard Webhooks (the route answers 404 without a secret).
  INBOUND_EVENTS_STREAM: z
    .string()
    .regex(/^[a-zA-Z0-9:_{}.-]{1,100}$/, 'letters, digits and :_{}.- only')
    .default('railrepay:events'),
  INBOUND_EVENTS_SECRET: optionalString.pipe(
    z.string().regex(STANDARD_WEBHOOKS_SECRET, STANDARD_WEBHOOKS_SECRET_MESSAGE).optional(),
  ),
  // How long a stream entry stays pending with a consumer before another takes it over (a worker
  // killed mid-batch): longer than handling one batch takes.
  INBOUND_EVENTS_CLAIM_IDLE_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  // The key of the hash that names a sender in Redis keys (no number in a key name). Derived from
  // TWILIO_AUTH_TOKEN when unset; changing it forgets conversation state and lanes.
  SENDER_KEY_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  // A sender's messages per minute before the rest of that minute is dropped (with one reply).
  SENDER_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  // The approved WhatsApp template for claim updates outside the 24-hour window.
  TWILIO_CONTENT_SID_CLAIM_UPDATE: optionalString.pipe(
    z
      .string()
      .regex(/^HX[0-9a-fA-F]{32}$/, 'must look like HX followed by 32 hex digits')
      .optional(),
  ),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  OUTBOUND_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).max(10000).default(50),
  // How long Redis remembers a finished message (its outcome, its sends, its delivery statuses):
  // long enough for Twilio's redeliveries and a crashed worker's rerun, not for days.
  FINISHED_MESSAGE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .default(3600),
  // How long RESEND must wait after a code was sent: Twilio Verify itself refuses rapid resends.
  VERIFY_RESEND_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  // Namespaces every Redis key (BullMQ's and the service's own), so several deployments or test
  // runs can share one Redis.
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,40}$/, 'letters, digits, - and _ only')
    .default('wh'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Where `npm run dev` writes its URLs for `npm run chat` (default: .dev-server.json in the checkout).
  DEV_SERVER_FILE: optionalString,
  // Traces go by OTLP/HTTP to this base URL (the exporter adds /v1/traces); unset, tracing is off.
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: optionalString.pipe(z.string().max(100).optional()),
});

export type TwilioConfig = {
  /** "local": the built-in stand-in (no account needed); "remote": real credentials. */
  mode: 'local' | 'remote';
  accountSid: string;
  authToken: string;
  whatsappFrom: string;
  verifyServiceSid: string;
  verifyChannel: 'sms' | 'whatsapp' | 'call';
  apiBaseUrl: string | undefined;
  verifyBaseUrl: string | undefined;
};

export type Config = {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  publicBaseUrl: string;
  databaseUrl: string;
  redisUrl: string;
  /** Set: a Redis Cluster, reached through these nodes, instead of redisUrl. */
  redisClusterNodes: Array<{ host: string; port: number }> | undefined;
  redisKeyPrefix: string;
  twilio: TwilioConfig;
  localTwilioPort: number;
  bullBoard: { user: string; password: string; readOnly: boolean; dangerousActions: boolean } | undefined;
  internalApiToken: string | undefined;
  metricsToken: string | undefined;
  workerMetricsPort: number | undefined;
  workerMetricsHost: string;
  outbox: {
    retentionDays: number;
    transport: 'redis' | 'http';
    httpUrl: string | undefined;
    httpSecret: string | undefined;
    maxAttempts: number;
  };
  claimWindowDays: number;
  /** The terms version a YES accepts, carried by user.registered. */
  termsVersion: string;
  unverifiedRetentionDays: number;
  inboundEvents: { stream: string; secret: string | undefined; claimIdleMs: number };
  /** Messages one sender may send in a minute; the rest of that minute are dropped after one reply. */
  senderMessagesPerMinute: number;
  /** Names senders in Redis keys by a keyed hash of their number. */
  senderKeySecret: string;
  /** Without it, a claim update outside the 24-hour window is skipped (no-template). */
  claimUpdateContentSid: string | undefined;
  workerConcurrency: number;
  outboundMessagesPerSecond: number;
  finishedMessageTtlSeconds: number;
  /** Twilio Verify allows 5 checks per verification; the cooldown keeps RESEND from spamming. */
  verification: { resendCooldownSeconds: number; maxChecks: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `npm run dev`'s state file (src/main/dev-server-file.ts); undefined: the checkout's default. */
  devServerFile: string | undefined;
  /** OpenTelemetry tracing (src/observability/tracing.ts): off without an OTLP endpoint. */
  tracing: { otlpEndpoint: string | undefined; serviceName: string };
};

/** The sender-key secret when SENDER_KEY_SECRET is unset: every process with the same Twilio token agrees. */
export function deriveSenderKeySecret(twilioAuthToken: string): string {
  return createHmac('sha256', twilioAuthToken).update('whatsapp-handler sender keys').digest('hex');
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Parses the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid environment variable ${name}: ${issue.message}`);
  }
  const e = parsed.data;
  const fail = (name: string, message: string): never => {
    throw new ConfigError(`Invalid environment variable ${name}: ${message}`);
  };

  const hasCredentials = e.TWILIO_ACCOUNT_SID !== undefined || e.TWILIO_AUTH_TOKEN !== undefined;
  if (hasCredentials && e.TWILIO_ACCOUNT_SID === undefined)
    fail('TWILIO_ACCOUNT_SID', 'required with TWILIO_AUTH_TOKEN');
  if (hasCredentials && e.TWILIO_AUTH_TOKEN === undefined)
    fail('TWILIO_AUTH_TOKEN', 'required with TWILIO_ACCOUNT_SID');
  if (e.NODE_ENV === 'production') {
    // The local stand-in must never answer for real passengers.
    if (!hasCredentials) fail('TWILIO_ACCOUNT_SID', 'required in production (the local Twilio stand-in is refused)');
    if (e.TWILIO_VERIFY_SERVICE_SID === undefined) fail('TWILIO_VERIFY_SERVICE_SID', 'required in production');
    if (e.PUBLIC_BASE_URL === undefined)
      fail('PUBLIC_BASE_URL', 'required in production (webhook signatures are checked against it)');
    if (e.INTERNAL_API_TOKEN === undefined) fail('INTERNAL_API_TOKEN', 'required in production');
    // Bull Board can retry and remove jobs: its password gets the same rule as INTERNAL_API_TOKEN.
    if (e.BULL_BOARD_PASSWORD !== undefined && e.BULL_BOARD_PASSWORD.length < 16)
      fail('BULL_BOARD_PASSWORD', 'must be at least 16 characters in production');
  }
  if (e.OUTBOX_TRANSPORT === 'http' && e.OUTBOX_HTTP_URL === undefined)
    fail('OUTBOX_HTTP_URL', 'required when OUTBOX_TRANSPORT=http');
  if (e.OUTBOX_TRANSPORT === 'http' && e.OUTBOX_HTTP_SECRET === undefined)
    fail('OUTBOX_HTTP_SECRET', 'required when OUTBOX_TRANSPORT=http');
  // Consumers verify with the Standard Webhooks libraries, which take only this form.
  if (e.OUTBOX_TRANSPORT === 'http' && !STANDARD_WEBHOOKS_SECRET.test(e.OUTBOX_HTTP_SECRET!))
    fail('OUTBOX_HTTP_SECRET', `${STANDARD_WEBHOOKS_SECRET_MESSAGE} when OUTBOX_TRANSPORT=http`);
  if ((e.BULL_BOARD_USER === undefined) !== (e.BULL_BOARD_PASSWORD === undefined)) {
    fail(
      e.BULL_BOARD_USER === undefined ? 'BULL_BOARD_USER' : 'BULL_BOARD_PASSWORD',
      'BULL_BOARD_USER and BULL_BOARD_PASSWORD go together',
    );
  }

  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES?.split(',').map((node) => {
      const [host, port] = node.split(':');
      return { host: host!, port: Number(port) };
    }),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    twilio: {
      mode: hasCredentials ? 'remote' : 'local',
      accountSid: e.TWILIO_ACCOUNT_SID ?? LOCAL_TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN ?? LOCAL_TWILIO_AUTH_TOKEN,
      whatsappFrom: e.TWILIO_WHATSAPP_FROM,
      verifyServiceSid: e.TWILIO_VERIFY_SERVICE_SID ?? LOCAL_TWILIO_VERIFY_SERVICE_SID,
      verifyChannel: e.TWILIO_VERIFY_CHANNEL,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
      verifyBaseUrl: e.TWILIO_VERIFY_BASE_URL,
    },
    localTwilioPort: e.LOCAL_TWILIO_PORT,
    bullBoard:
      e.BULL_BOARD_USER !== undefined && e.BULL_BOARD_PASSWORD !== undefined
        ? {
            user: e.BULL_BOARD_USER,
            password: e.BULL_BOARD_PASSWORD,
            readOnly: e.BULL_BOARD_READ_ONLY,
            dangerousActions: e.BULL_BOARD_DANGEROUS_ACTIONS,
          }
        : undefined,
    internalApiToken: e.INTERNAL_API_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    workerMetricsHost: e.WORKER_METRICS_HOST,
    outbox: {
      retentionDays: e.OUTBOX_RETENTION_DAYS,
      transport: e.OUTBOX_TRANSPORT,
      httpUrl: e.OUTBOX_HTTP_URL,
      httpSecret: e.OUTBOX_HTTP_SECRET,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    },
    claimWindowDays: e.CLAIM_WINDOW_DAYS,
    termsVersion: e.TERMS_VERSION,
    unverifiedRetentionDays: e.UNVERIFIED_RETENTION_DAYS,
    inboundEvents: {
      stream: e.INBOUND_EVENTS_STREAM,
      secret: e.INBOUND_EVENTS_SECRET,
      claimIdleMs: e.INBOUND_EVENTS_CLAIM_IDLE_MS,
    },
    senderMessagesPerMinute: e.SENDER_MESSAGES_PER_MINUTE,
    senderKeySecret: e.SENDER_KEY_SECRET ?? deriveSenderKeySecret(e.TWILIO_AUTH_TOKEN ?? LOCAL_TWILIO_AUTH_TOKEN),
    // The local stand-in serves a claim-update template of its own, so `npm run chat` shows both kinds.
    claimUpdateContentSid:
      e.TWILIO_CONTENT_SID_CLAIM_UPDATE ?? (hasCredentials ? undefined : LOCAL_CLAIM_UPDATE_CONTENT_SID),
    workerConcurrency: e.WORKER_CONCURRENCY,
    outboundMessagesPerSecond: e.OUTBOUND_MESSAGES_PER_SECOND,
    finishedMessageTtlSeconds: e.FINISHED_MESSAGE_TTL_SECONDS,
    verification: { resendCooldownSeconds: e.VERIFY_RESEND_COOLDOWN_SECONDS, maxChecks: 5 },
    logLevel: e.LOG_LEVEL,
    devServerFile: e.DEV_SERVER_FILE,
    tracing: {
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/$/, ''),
      serviceName: e.OTEL_SERVICE_NAME ?? 'whatsapp-handler',
    },
  };
}

/** What `npm run dev` names after the checkout when REDIS_KEY_PREFIX, DATABASE_URL, INBOUND_EVENTS_STREAM are unset. */
export function checkoutDefaults(checkoutDir: string): {
  redisKeyPrefix: string;
  databaseName: string;
  inboundEventsStream: string;
} {
  // Eight hex digits of the checkout's path: two checkouts on one machine differ, one keeps its data.
  const id = createHash('sha256').update(path.resolve(checkoutDir)).digest('hex').slice(0, 8);
  return {
    redisKeyPrefix: `wh-dev-${id}`,
    databaseName: `wh_dev_${id}`,
    inboundEventsStream: `railrepay:events:wh-dev-${id}`,
  };
}

/**
 * The configuration of local tools (`npm run dev`, `chat`, `ops` outside production): as loadConfig,
 * but an unset REDIS_KEY_PREFIX, DATABASE_URL (database name on the default server) or
 * INBOUND_EVENTS_STREAM is named after the checkout, so two checkouts beside each other never share
 * queues, conversations, rows or claim events (decision 0025). `createDatabase` names the database
 * to create when missing: only one this function chose.
 */
export function loadDevConfig(
  checkoutDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { config: Config; createDatabase: string | undefined } {
  const defaults = checkoutDefaults(checkoutDir);
  const unset = (name: string) => env[name] === undefined || env[name] === '';
  const databaseUrl = unset('DATABASE_URL') ? `postgres://postgres@127.0.0.1:5432/${defaults.databaseName}` : undefined;
  const config = loadConfig({
    ...env,
    ...(unset('REDIS_KEY_PREFIX') && { REDIS_KEY_PREFIX: defaults.redisKeyPrefix }),
    ...(databaseUrl !== undefined && { DATABASE_URL: databaseUrl }),
    ...(unset('INBOUND_EVENTS_STREAM') && { INBOUND_EVENTS_STREAM: defaults.inboundEventsStream }),
  });
  return { config, createDatabase: databaseUrl === undefined ? undefined : defaults.databaseName };
}
