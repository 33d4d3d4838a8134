// Twilio Verify jobs remember their outcome (never the code) so that a rerun of the same job,
// or a retried inbound message re-adding it, gets the same answer without calling Verify again.
import type { Job } from 'bullmq';
import type { Deps } from '../../main/deps';

// A verification lives 10 minutes at Twilio; a day outlasts every retry.
const OUTCOME_TTL_SECONDS = 24 * 3600;

export async function rememberedOutcome<T>(deps: Deps, job: Job): Promise<T | undefined> {
  const stored = await deps.redis.get(deps.keys.verificationOutcome(String(job.id)));
  return stored === null ? undefined : (JSON.parse(stored) as T);
}

export async function remember<T>(deps: Deps, job: Job, outcome: T): Promise<T> {
  await deps.redis.set(
    deps.keys.verificationOutcome(String(job.id)),
    JSON.stringify(outcome),
    'EX',
    OUTCOME_TTL_SECONDS,
  );
  return outcome;
}
