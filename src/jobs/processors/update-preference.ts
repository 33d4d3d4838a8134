// The internal API's preference writes (PUT /api/v1/users/:id/preferences): one job per key,
// applied by writePreference. A value the registry refuses fails the job for good.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { writePreference, type WritePreferenceResult } from '../../preferences/write-preference';
import { updatePreferenceSchema } from '../queues';

export type UpdatePreferenceResult = WritePreferenceResult;

export function makeUpdatePreferenceProcessor(deps: Deps) {
  return async function updatePreference(job: Job): Promise<UpdatePreferenceResult> {
    const parsed = updatePreferenceSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid update-preference payload');
    try {
      return await writePreference(deps, parsed.data);
    } catch (error) {
      if (error instanceof AppError) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}
