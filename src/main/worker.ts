// Composition root of the worker process: every BullMQ Worker and Job Scheduler. Run as many
// of these as load needs; ordering and the single retention schedule do not depend on one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { loadConfig } from '../config';
import { hasBearerToken } from '../http/middleware/require-bearer-token';
import { startStreamConsumer } from '../inbound-events/stream-consumer';
import { warnUnlessNoEviction } from '../jobs/eviction-policy';
import { startWorkers } from '../jobs/register';
import { observeWorker } from '../observability/metrics';
import { startTracing } from '../observability/tracing';
import type { BuiltDeps } from './build-deps';
import { buildDeps } from './build-deps';
import { onShutdownSignal, runMain, type ShutdownStep } from './shutdown';

/**
 * Starts every worker; returns the shutdown steps that let running jobs finish, and where the
 * metrics server listens when WORKER_METRICS_PORT is set.
 */
export async function startWorkerProcess(
  deps: BuiltDeps,
): Promise<{ stop: ShutdownStep[]; metricsAddress?: AddressInfo }> {
  // A warning, not a refusal: a deployment may know better, but it must have been told.
  warnUnlessNoEviction(deps.redis, deps.logger).catch((error: Error) =>
    deps.logger.warn({ err: error.message }, 'could not read Redis maxmemory-policy'),
  );
  const handle = startWorkers(deps);
  for (const worker of handle.workers) observeWorker(worker, deps.metrics);
  await handle.ready();
  deps.logger.info({ queues: handle.workers.map((w) => w.name) }, 'workers ready');
  const consumer = startStreamConsumer(deps);
  deps.logger.info({ stream: deps.config.inboundEvents.stream }, 'reading claim events');
  const stop: ShutdownStep[] = [
    { name: 'events stream', run: () => consumer.stop() },
    { name: 'workers', run: () => handle.close() },
  ];
  if (deps.config.workerMetricsPort === undefined) return { stop };
  const server = await serveMetrics(deps.metrics.registry, {
    port: deps.config.workerMetricsPort,
    host: deps.config.workerMetricsHost,
    token: deps.config.metricsToken,
  });
  const address = server.address() as AddressInfo;
  deps.logger.info(
    { host: address.address, port: address.port, tokenRequired: deps.config.metricsToken !== undefined },
    `worker metrics on ${address.address} port ${address.port}`,
  );
  stop.push({ name: 'metrics server', run: () => new Promise((resolve) => server.close(resolve)) });
  return { stop, metricsAddress: address };
}

export type MetricsServerOptions = { port: number; host: string; token: string | undefined };

/**
 * GET /metrics for Prometheus; nothing else. With a token it asks for it as the web's /metrics
 * does (Authorization: Bearer, compared in constant time).
 */
export function serveMetrics(registry: Registry, options: MetricsServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (options.token !== undefined && !hasBearerToken(req.headers.authorization, options.token)) {
      const body = JSON.stringify({ code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
      res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'application/json' }).end(body);
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const stopTracing = startTracing(config);
    const deps = buildDeps(config, { role: 'worker' });
    const starting = startWorkerProcess(deps);
    // Listening before "workers ready" is logged: a SIGTERM right after it must not find Node's default.
    onShutdownSignal(deps.logger, async () => [
      ...(await starting).stop,
      { name: 'connections', run: () => deps.close() },
      // Last, so the spans of the final requests and jobs are sent too.
      { name: 'tracing', run: stopTracing },
    ]);
    await starting;
  });
}
