// Standard Webhooks signing (https://www.standardwebhooks.com): the signature is
// base64(HMAC-SHA256(key, `${webhook-id}.${webhook-timestamp}.${body}`)), sent as "v1,<sig>".
import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** The key a "whsec_<base64>" secret carries, base64-encoded; config accepts secrets of this form only. */
export function signingKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a Standard Webhooks secret starts with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}
