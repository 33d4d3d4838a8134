// Composition root of the worker process: every BullMQ Worker and Job Scheduler. Run as many
// of these as load needs; ordering and the single retention schedule do not depend on one.
import { loadConfig } from '../config';
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
  return { stop: [{ name: 'workers', run: () => handle.close() }] };
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const deps = buildDeps(config, { role: 'worker' });
    const { stop } = await startWorkerProcess(deps);
    onShutdownSignal(deps.logger, () => [...stop, { name: 'connections', run: () => deps.close() }]);
  });
}
