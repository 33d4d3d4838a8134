// HTTP basic auth for operator pages. Compared in constant time (hashes of equal length) so the
// response time says nothing about how much of a guess was right.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function basicAuth(user: string, password: string, realm: string): RequestHandler {
  const expected = digest(`${user}:${password}`);
  return (req, res, next) => {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.get('authorization') ?? '');
    const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    if (!timingSafeEqual(expected, digest(given))) {
      res
        .set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`)
        .status(401)
        .send('authentication required');
      return;
    }
    next();
  };
}
