// Bull Board actions that are refused unless BULL_BOARD_DANGEROUS_ACTIONS=true: those that make
// the workers do work nobody asked for (an "add" on the outbound queue sends a WhatsApp message to
// any number, at our cost; editing a job's data and retrying it does the same; retrying completed
// jobs sends their messages again), and those that throw away work not yet done (emptying or
// obliterating a queue, cleaning its waiting/delayed/active jobs, dropping or rescheduling a Job
// Scheduler). Retrying failed jobs, removing one job, cleaning completed or failed jobs,
// pause/resume and promote stay available. Matched on Bull Board's own route patterns
// (node_modules/@bull-board/api/dist/routes.js); a test fails if an upgrade renames one.
import type { createBullBoard } from '@bull-board/api';

type BoardHooks = NonNullable<NonNullable<Parameters<typeof createBullBoard>[0]['options']>['handlerHooks']>;

/** `method route`, exactly as Bull Board 9 declares them. */
export const DANGEROUS_ROUTES: ReadonlySet<string> = new Set([
  'post /api/queues/:queueName/add',
  'patch /api/queues/:queueName/:jobId/update-data',
  'put /api/queues/:queueName/empty',
  'put /api/queues/:queueName/obliterate',
  'put /api/queues/:queueName/job-schedulers/:schedulerId/remove',
  'patch /api/queues/:queueName/job-schedulers/:schedulerId',
]);
export const CLEAN_ALL_ROUTE = 'put /api/queues/:queueName/clean/:queueStatus';
export const RETRY_ALL_ROUTE = 'put /api/queues/:queueName/retry/:queueStatus';
export const RETRY_JOB_ROUTE = 'put /api/queues/:queueName/:jobId/retry';

/** Cleaning these only drops history; any other status drops work not yet done. */
const CLEANABLE_STATUSES = new Set(['completed', 'failed']);

const REFUSAL =
  'refused: this Bull Board action is off (set BULL_BOARD_DANGEROUS_ACTIONS=true to allow it; see docs/runbook.md)';

/** A Bull Board `before` hook that refuses the dangerous actions with 403. */
export function refuseDangerousActions(): BoardHooks {
  return {
    async before({ method, route, request }) {
      const action = `${method} ${route}`;
      const refuse = { allow: false, status: 403, message: REFUSAL } as const;
      const queue = request.queues.get(String(request.params.queueName));
      // A read-only queue refuses every action itself (405), which says more.
      if (queue?.readOnlyMode) return undefined;
      if (DANGEROUS_ROUTES.has(action)) return refuse;
      if (action === CLEAN_ALL_ROUTE && !CLEANABLE_STATUSES.has(String(request.params.queueStatus))) return refuse;
      if (action === RETRY_ALL_ROUTE && request.params.queueStatus === 'completed') return refuse;
      if (action === RETRY_JOB_ROUTE) {
        const job = await queue?.getJob(String(request.params.jobId));
        if (job && (await job.getState()) === 'completed') return refuse;
      }
      return undefined;
    },
  };
}
