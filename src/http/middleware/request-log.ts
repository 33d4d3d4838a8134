// One log line per request with a request id, and the webhook duration histogram. Never logs
// bodies, query strings or headers that could carry a phone number or a token.
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Deps } from '../../main/deps';
import { WEBHOOK_PATHS } from '../routes/twilio-webhooks';

// Only known routes become label values: a path taken from the request would let any caller
// create new time series.
const WEBHOOK_ROUTES = new Set<string>(Object.values(WEBHOOK_PATHS));

export function requestLog(deps: Pick<Deps, 'logger' | 'metrics'>): RequestHandler {
  // A process-unique prefix and a counter: unique ids without a random UUID per request.
  const processId = randomBytes(4).toString('hex');
  let counter = 0;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'] ?? req.headers['i-twilio-idempotency-token'];
    const requestId = typeof given === 'string' ? given : `${processId}-${(counter++).toString(36)}`;
    res.setHeader('x-request-id', requestId);
    // Routes log with the same id, so a webhook's lines can be joined.
    res.locals.requestId = requestId;
    // Routers rewrite req.url on the way down; the original path is what the caller asked for.
    const path = req.originalUrl.split('?', 1)[0]!;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (WEBHOOK_ROUTES.has(path)) {
        deps.metrics.webhookDuration.observe({ route: path, status: String(res.statusCode) }, seconds);
      }
      // Successful webhooks are the bulk of traffic; debug keeps the hot path quiet in production.
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
      if (!deps.logger.isLevelEnabled(level)) return;
      deps.logger[level](
        { requestId, method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'request',
      );
    });
    next();
  };
}
