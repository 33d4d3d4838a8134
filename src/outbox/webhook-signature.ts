// Standard Webhooks signing (https://www.standardwebhooks.com): the signature is
// base64(HMAC-SHA256(key, `${webhook-id}.${webhook-timestamp}.${body}`)), sent as "v1,<sig>".
import { createHmac } from 'node:crypto';

/** A "whsec_<base64>" secret carries its key base64-encoded (the spec's form); any other string is used as is. */
export function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret);
}

export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}
