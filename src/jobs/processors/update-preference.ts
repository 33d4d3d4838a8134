// Writes one preference and its user.preferences_updated event in one transaction, only when the
// value changes, so a rerun (or a repeated SETTINGS choice) emits nothing new.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../main/deps';
import { AppError } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { userPreferencesUpdated, wakeOutboxRelay } from '../../events';
import { parsePreference } from '../../preferences/registry';
import { appendEvent } from '../../repos/outbox';
import { upsertPreference } from '../../repos/preferences';
import { lockUserById } from '../../repos/users';
import { updatePreferenceSchema } from '../queues';

export type UpdatePreferenceResult = { changed: boolean; userFound: boolean };

export function makeUpdatePreferenceProcessor(deps: Deps) {
  return async function updatePreference(job: Job): Promise<UpdatePreferenceResult> {
    const parsed = updatePreferenceSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid update-preference payload');
    const { userId, correlationId } = parsed.data;
    let preference: ReturnType<typeof parsePreference>;
    try {
      preference = parsePreference(parsed.data.key, parsed.data.value);
    } catch (error) {
      if (error instanceof AppError) throw new UnrecoverableError(error.message);
      throw error;
    }

    const result = await withTransaction(deps.db, async (client) => {
      // The row lock orders this write against a concurrent DELETE MY DATA of the same user.
      if (!(await lockUserById(client, userId))) return { changed: false, userFound: false };
      const changed = await upsertPreference(client, userId, preference.key, preference.value);
      if (changed) {
        await appendEvent(
          client,
          userPreferencesUpdated({ userId, key: preference.key, value: preference.value, correlationId }),
        );
      }
      return { changed, userFound: true };
    });
    if (result.changed) await wakeOutboxRelay(deps.queues);
    return result;
  };
}
