// One relay run: publish due events until the batches come back short or the time budget is spent;
// in the second case queue another run (deduplicated) so a large backlog keeps draining.
import type { Job } from 'bullmq';
import type { Queues } from '../make-queues';
import { wakeOutboxRelay } from '../../events';
import { runRelay, type RelayDeps, type RelayRunResult } from '../../outbox/relay';

export function makeRelayOutboxProcessor(deps: RelayDeps & { queues: Queues }) {
  return async function relayOutbox(job: Job): Promise<RelayRunResult> {
    const result = await runRelay({ ...deps, logger: deps.logger.child({ queue: job.queueName, jobId: job.id }) });
    if (result.more) await wakeOutboxRelay(deps.queues);
    return result;
  };
}
