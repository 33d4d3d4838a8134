// Reads an application/x-www-form-urlencoded body on the webhook hot path. Express's urlencoded
// parser (qs, type checks, several layers) cost a large share of the request budget; Twilio
// sends flat key=value forms, which URLSearchParams parses directly.
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
}

/** Twilio's WhatsApp webhooks are a few KiB; anything far larger is not from Twilio. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

export function readFormBody(req: IncomingMessage, limit = MAX_WEBHOOK_BODY_BYTES): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(`body over ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const params: Record<string, string> = {};
      // A repeated key keeps its last value, as Twilio never repeats keys.
      for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[key] = value;
      resolve(params);
    });
    req.on('error', reject);
  });
}
