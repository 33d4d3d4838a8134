import express, { type Router } from 'express';
import type { Deps } from '../../deps';
import { observeInboundEventsStream, observeQueueDepth } from '../../observability/metrics';
import { requireBearerToken } from '../middleware/require-bearer-token';

/** Prometheus text; behind a bearer token when METRICS_TOKEN is set. */
export function makeMetricsRouter(deps: Pick<Deps, 'config' | 'metrics' | 'queues' | 'redis'>): Router {
  const router = express.Router();
  // Queue depth and the claim events backlog are read from Redis at scrape time, so one process
  // reporting them is enough.
  observeQueueDepth(deps.metrics, deps.queues);
  observeInboundEventsStream(deps.metrics, deps.redis, deps.config.inboundEvents.stream);
  if (deps.config.metricsToken) router.use('/metrics', requireBearerToken(deps.config.metricsToken));
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
