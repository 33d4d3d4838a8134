// The HTTP pieces shared by fetching and deleting media: Basic auth, a timeout on every request,
// and Twilio's failures turned into TwilioApiError, so an outage makes the sender's turn wait and
// retry (src/jobs/dependency-outage.ts) instead of using up the message's attempts.
import type { TwilioConfig } from '../config';
import { TwilioApiError } from '../twilio/gateway';
import { readCappedBody } from './read-capped-body';

/** As for the rest of Twilio's API (twilio-client.ts): long enough for a bad day, short enough to retry. */
export const MEDIA_REQUEST_TIMEOUT_MS = 15_000;

// Twilio's error bodies are small JSON; more than this is not one.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export function basicAuth(twilio: Pick<TwilioConfig, 'accountSid' | 'authToken'>): string {
  return `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`;
}

/** 429 and 5xx: Twilio (or its media store) is overloaded or down, and asking later may work. */
export function isOutageStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Runs one step of a request (the request itself or reading its body). A failure with no HTTP
 * answer (refused, reset, timed out) becomes a retryable TwilioApiError with status 0.
 */
export async function withoutAnswer<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof TwilioApiError) throw error;
    throw new TwilioApiError(0, undefined, `Twilio media request failed before a response: ${networkReason(error)}`);
  }
}

function networkReason(error: unknown): string {
  // fetch names the failure in its cause's code (ECONNREFUSED, ...); a timeout is a TimeoutError.
  const { name, cause } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    cause?: unknown;
  };
  const code = (typeof cause === 'object' && cause !== null ? cause : {}) as { code?: unknown };
  if (typeof code.code === 'string') return code.code;
  return typeof name === 'string' ? name : 'network error';
}

/** Drops a body we will not read, so its connection is freed. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** The TwilioApiError for an answer we cannot use, with Twilio's error code when its body has one. */
export async function twilioFailure(response: Response, what: string): Promise<TwilioApiError> {
  let code: number | undefined;
  try {
    const body = await readCappedBody(response.body, MAX_ERROR_BODY_BYTES);
    if (body !== 'too-large') {
      const parsed = JSON.parse(body.toString('utf8')) as { code?: unknown };
      if (typeof parsed.code === 'number') code = parsed.code;
    }
  } catch {
    // Not Twilio's JSON (a proxy's page, a cut connection): the status is enough.
  }
  return new TwilioApiError(response.status, code, `Twilio ${response.status} for ${what}`);
}
