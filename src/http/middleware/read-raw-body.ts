// Reads a request body as the exact bytes sent, for routes that verify a signature over them: a
// parser that re-serialises or re-decodes the body would break the signature.
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from './read-form-body';

export { BodyTooLargeError };

/**
 * Resolves with the body; rejects with BodyTooLargeError as soon as the declared or received
 * size passes `limit`, keeping nothing more. The caller answers 413 with Connection: close.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      // Drained, not kept: a socket closed with unread bytes is reset, and the client would
      // lose the 413 it is owed.
      req.removeAllListeners('data');
      req.resume();
      reject(new BodyTooLargeError(`body over ${limit} bytes`));
    };
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return tooLarge();
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}
