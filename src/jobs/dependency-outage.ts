// Tells an outage of something the service depends on (Postgres, Redis, Twilio) from a fault in
// the message itself. An outage must never use up a message's attempts: its turn waits for the
// dependency to come back (docs/decisions/0016-one-turn-does-its-own-work.md).
import { pgErrorCode } from '../db/pg-errors';
import { TwilioApiError } from '../twilio/gateway';

// Socket-level failures, from pg, ioredis or fetch (as the error's code or its cause's).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// Postgres classes and codes that mean "the server is not there or not taking work now":
// 08 connection exception, 57P01-57P03 shutting down or starting, 53300 too many connections.
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

// Messages without a code: pg's pool and client, ioredis once it gave up on a command.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Client has encountered a connection error|Client was closed/i;

export function isDependencyOutage(error: unknown): boolean {
  if (error instanceof TwilioApiError) return error.retryable;
  // Read as a plain object, not `instanceof Error`: errors made by Node's own modules come from
  // another realm where code runs in a VM context (as under jest).
  if (typeof error !== 'object' || error === null) return false;
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown };
  const code = pgErrorCode(error) ?? pgErrorCode(cause);
  if (code !== undefined && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

// The first wait is short (a blip), then doubles to a cap, so a long outage costs a retry every
// half minute per waiting sender, not a storm.
const FIRST_WAIT_MS = 500;
const MAX_WAIT_MS = 30_000;

/** How long a turn waits after its n-th consecutive outage (1-based), with ±25% jitter. */
export function outageWaitMs(outages: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.max(0, outages - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
