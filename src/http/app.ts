// The web process's HTTP handling: Twilio's two webhooks on plain node:http, and an Express app,
// built from small install steps in the order requests meet them, for everything else.
import type { RequestListener } from 'node:http';
import express, { type Express } from 'express';
import type { Deps } from '../deps';
import { maskPhonesInPath } from '../phone';
import { makeBullBoardRouter } from './routes/bull-board';
import { makeHealthRouter, type Readiness } from './routes/health';
import { makeInboundEventsRouter } from './routes/inbound-events';
import { makeInternalApiRouter } from './routes/internal-api';
import { makeMetricsRouter } from './routes/metrics';
import { makeTwilioWebhooks } from './routes/twilio-webhooks';
import { requestLog } from './middleware/request-log';

export type AppOptions = { readiness?: Readiness };

/**
 * What the web server runs for each request: the webhooks answer their two paths before Express
 * sets a request up (decision 0006); everything else goes to the Express app.
 */
export function makeRequestListener(deps: Deps, options: AppOptions = {}): RequestListener {
  const webhooks = makeTwilioWebhooks(deps);
  const app = makeApp(deps, options);
  return (req, res) => {
    if (!webhooks(req, res)) app(req, res);
  };
}

/** The Express app: operations endpoints, Bull Board and the internal API. */
export function makeApp(deps: Deps, options: AppOptions = {}): Express {
  const app = express();
  // Behind Heroku/Railway routers: trust one proxy hop for the client address and protocol.
  app.set('trust proxy', 1);
  app.disable('x-powered-by');
  // ETags are for cacheable pages; every answer here is dynamic, and hashing costs time.
  app.set('etag', false);
  installRequestLog(app, deps);
  installOperations(app, deps, options.readiness ?? { shuttingDown: false });
  installInboundEvents(app, deps);
  installInternalApi(app, deps);
  installNotFound(app, deps);
  return app;
}

/** First, so every request (rejected ones included) is logged and timed. */
function installRequestLog(app: Express, deps: Deps): void {
  app.use(requestLog(deps));
}

/** Health, readiness, metrics and Bull Board: what operators and the platform look at. */
function installOperations(app: Express, deps: Deps, readiness: Readiness): void {
  app.use(makeHealthRouter(deps, readiness));
  app.use(makeMetricsRouter(deps));
  app.use(makeBullBoardRouter(deps));
}

/**
 * Before the internal API, whose bearer token and JSON parser would otherwise take the request:
 * this route is signed with Standard Webhooks instead, over the raw body it reads itself.
 */
function installInboundEvents(app: Express, deps: Deps): void {
  app.use(makeInboundEventsRouter(deps));
}

/** The API other RailRepay services call; it carries its own auth and JSON parsing. */
function installInternalApi(app: Express, deps: Deps): void {
  app.use(makeInternalApiRouter(deps));
}

/** A clear answer for anything else, and no stack traces to callers. */
function installNotFound(app: Express, deps: Deps): void {
  app.use((_req, res) => void res.status(404).json({ code: 'NOT_FOUND', message: 'not found' }));
  const onError: express.ErrorRequestHandler = (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
    if (status === 500) {
      deps.logger.error({ err: String(error?.message), path: maskPhonesInPath(req.path) }, 'unhandled request error');
    }
    res
      .status(status)
      .json(
        status === 500
          ? { code: 'INTERNAL', message: 'internal error' }
          : { code: 'BAD_REQUEST', message: 'bad request' },
      );
  };
  app.use(onError);
}
