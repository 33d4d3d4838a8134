// One log line per request with a request id, and the webhook duration histogram. Never logs
// bodies, query strings or headers that could carry a phone number or a token, and masks any
// number a caller put in the path (/api/v1/users/+447700900123).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Deps } from '../../deps';
import { maskPhonesInPath } from '../../phone';
import { WEBHOOK_PATHS } from '../routes/webhook-paths';

// Only known routes become label values: a path taken from the request would let any caller
// create new time series.
const WEBHOOK_ROUTES = new Set<string>(Object.values(WEBHOOK_PATHS));

// A process-unique prefix and a counter: unique ids without a random UUID per request.
const processId = randomBytes(4).toString('hex');
let counter = 0;

export type LogRequest = (req: IncomingMessage, res: ServerResponse) => string;

/**
 * Gives the request its id (the caller's X-Request-Id or Twilio's idempotency token when sent),
 * echoes it, and logs and times the request once answered. Call it before any router rewrites
 * req.url; returns the id so handlers can log with it.
 */
export function makeRequestLogger(deps: Pick<Deps, 'logger' | 'metrics'>): LogRequest {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'] ?? req.headers['i-twilio-idempotency-token'];
    const requestId = typeof given === 'string' ? given : `${processId}-${(counter++).toString(36)}`;
    res.setHeader('x-request-id', requestId);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (WEBHOOK_ROUTES.has(path)) {
        deps.metrics.webhookDuration.observe({ route: path, status: String(res.statusCode) }, seconds);
      }
      // Successful webhooks are the bulk of traffic; debug keeps the hot path quiet in production.
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
      if (!deps.logger.isLevelEnabled(level)) return;
      deps.logger[level](
        {
          requestId,
          method: req.method,
          path: maskPhonesInPath(path),
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
        },
        'request',
      );
    });
    return requestId;
  };
}

/** The same for the Express app's routes; the id is in res.locals.requestId. */
export function requestLog(deps: Pick<Deps, 'logger' | 'metrics'>): RequestHandler {
  const logRequest = makeRequestLogger(deps);
  return (req, res, next) => {
    res.locals.requestId = logRequest(req, res);
    next();
  };
}
