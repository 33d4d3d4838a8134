// Writes one preference and its user.preferences_updated event in one transaction, only when the
// value changes, so a rerun (or a repeated SETTINGS choice) emits nothing new. Used by the sender's
// turn (SETTINGS in the chat) and by the preference-updates queue (the internal API).
import type { Deps } from '../deps';
import { withTransaction } from '../db/transaction';
import { userPreferencesUpdated, wakeOutboxRelay } from '../events';
import { appendEvent } from '../repos/outbox';
import { upsertPreference } from '../repos/preferences';
import { lockUserById } from '../repos/users';
import { parsePreference } from './registry';

export type WritePreferenceResult = { changed: boolean; userFound: boolean };

/** Throws InvalidPreferenceValueError / UnknownPreferenceKeyError for a value the registry refuses. */
export async function writePreference(
  deps: Pick<Deps, 'db' | 'queues'>,
  input: {
    userId: string;
    key: string;
    value: unknown;
    correlationId?: string | undefined;
    /** From nextPreferenceWriteSeq when the write was accepted; omitted: accepted now. */
    acceptedSeq?: string | undefined;
  },
): Promise<WritePreferenceResult> {
  const preference = parsePreference(input.key, input.value);
  const { userId, correlationId } = input;
  const result = await withTransaction(deps.db, async (client) => {
    // The row lock orders this write against a concurrent DELETE MY DATA, or another write, of the user.
    if (!(await lockUserById(client, userId))) return { changed: false, userFound: false };
    const changed = await upsertPreference(client, userId, preference.key, preference.value, input.acceptedSeq);
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
}
