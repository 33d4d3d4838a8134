// Bearer-token check for service-to-service routes. Both sides are hashed first so the
// comparison is constant-time whatever the length of what the caller sent.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function tokenMatches(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

/** Whether an Authorization header carries the token as "Bearer <token>". */
export function hasBearerToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  return match !== null && tokenMatches(token, match[1]!.trim());
}

/**
 * With no token configured the routes behind it do not exist (404), so an unconfigured
 * deployment exposes nothing; a missing or wrong token is 401.
 */
export function requireBearerToken(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token === undefined) {
      res.status(404).json({ code: 'NOT_FOUND', message: 'not found' });
      return;
    }
    if (!hasBearerToken(req.get('authorization'), token)) {
      res
        .set('WWW-Authenticate', 'Bearer')
        .status(401)
        .json({ code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
      return;
    }
    next();
  };
}
