// Composition root of the worker process: every BullMQ Worker and Job Scheduler. Run as many
// of these as load needs; ordering and the single retention schedule do not depend on one.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { loadConfig } from '../config';
import { startStreamConsumer } from '../inbound-events/stream-consumer';
import { startWorkers } from '../jobs/register';
import { observeWorker } from '../observability/metrics';
import type { BuiltDeps } from './build-deps';
import { buildDeps } from './build-deps';
import { onShutdownSignal, runMain, type ShutdownStep } from './shutdown';

/** Starts every worker; returns the shutdown steps that let running jobs finish. */
export async function startWorkerProcess(deps: BuiltDeps): Promise<{ stop: ShutdownStep[] }> {
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
  if (deps.config.workerMetricsPort !== undefined) {
    const server = await serveMetrics(deps.metrics.registry, deps.config.workerMetricsPort);
    deps.logger.info({ port: portOf(server) }, `worker metrics on port ${portOf(server)}`);
    stop.push({ name: 'metrics server', run: () => new Promise((resolve) => server.close(resolve)) });
  }
  return { stop };
}

/** GET /metrics for Prometheus; nothing else. */
function serveMetrics(registry: Registry, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve) => server.listen(port, () => resolve(server)));
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const deps = buildDeps(config, { role: 'worker' });
    const { stop } = await startWorkerProcess(deps);
    onShutdownSignal(deps.logger, () => [...stop, { name: 'connections', run: () => deps.close() }]);
  });
}
