// Checks a request signed with Standard Webhooks (https://www.standardwebhooks.com), the inbound
// twin of src/outbox/webhook-signature.ts: webhook-signature holds one or more "v1,<base64>"
// entries, each an HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}` under the secret's
// key. Several entries let a sender rotate its secret without a gap; any one matching is enough.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { signingKey } from '../outbox/webhook-signature';

/** The spec's tolerance: it bounds how long a captured request can be replayed, and clock skew. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export type VerifyFailure = 'missing header' | 'invalid header' | 'stale timestamp' | 'bad signature';

export type VerifyResult = { ok: true; webhookId: string } | { ok: false; reason: VerifyFailure };

// Ids become part of a Redis key; senders' ids (such as Svix's msg_<ksuid>) are far shorter.
const MAX_WEBHOOK_ID_LENGTH = 256;
const HMAC_SHA256_BYTES = 32;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Verifies the signature over the exact bytes received (a Buffer: re-encoding text could change
 * them). The signature is checked before the timestamp's age, so only a holder of the secret
 * learns that its clock is off.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  now: Date,
): VerifyResult {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    return { ok: false, reason: 'missing header' };
  }
  if (id.length > MAX_WEBHOOK_ID_LENGTH || !/^[0-9]{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'invalid header' };
  }

  const expected = createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.`).update(body).digest();
  const matches = signatures.split(' ').some((entry) => {
    if (!entry.startsWith('v1,')) return false;
    const given = Buffer.from(entry.slice(3), 'base64');
    // timingSafeEqual needs equal lengths; a length says nothing about the key.
    return given.length === HMAC_SHA256_BYTES && timingSafeEqual(given, expected);
  });
  if (!matches) return { ok: false, reason: 'bad signature' };

  const ageSeconds = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (Math.abs(ageSeconds) > TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: 'stale timestamp' };
  return { ok: true, webhookId: id };
}
