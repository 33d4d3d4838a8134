// The state and context a turn is first decided with, stored so a retry decides alike: the same
// effects in the same order, whatever changed in between.
import type { Deps } from '../deps';
import { stateShowsNoAccount } from '../conversation/no-account';
import { listPreferences } from '../repos/preferences';
import { clearProactiveUnreachable, findUserByPhone } from '../repos/users';
import type { ConversationSnapshot } from './converse';
import type { OpenedTurn } from '../jobs/sender-lane';
import { loadState, parseState } from './state-store';
import type { TurnEffects } from './turn-effects';

/** The stored snapshot of a retried turn, or a new one that `effects` saves before the first effect. */
export async function snapshotFor(
  deps: Deps,
  phone: string,
  turnId: string,
  effects: TurnEffects,
  opened?: OpenedTurn,
): Promise<ConversationSnapshot> {
  const key = deps.keys.inboundSnapshot(phone, turnId);
  // Both read with the take-turn script when they could be, else in one round trip here: the
  // state is only needed on a turn's first run.
  const [stored, state] = opened
    ? [opened.snapshot, parseState(opened.state)]
    : await Promise.all([deps.redis.get(key), loadState(deps.redis, deps.keys, phone)]);
  if (stored !== null) {
    const parsed = JSON.parse(stored) as ConversationSnapshot;
    return { state: parsed.state, context: { ...parsed.context, now: new Date(parsed.context.now) } };
  }
  const user = stateShowsNoAccount(state) ? undefined : await findUserByPhone(deps.db, phone);
  // The passenger wrote, so WhatsApp delivers to this number again: claim updates may resume.
  if (user?.proactiveUnreachableSince) await clearProactiveUnreachable(deps.db, user.id);
  const snapshot: ConversationSnapshot = {
    state,
    context: {
      user: user && { id: user.id, verified: user.verifiedAt !== null },
      preferences: user ? await listPreferences(deps.db, user.id) : {},
      now: deps.clock.now(),
      settings: {
        resendCooldownSeconds: deps.config.verification.resendCooldownSeconds,
        maxChecks: deps.config.verification.maxChecks,
        claimWindowDays: deps.config.claimWindowDays,
      },
    },
  };
  // Deleted when the turn finishes; its TTL only covers a turn abandoned for good.
  effects.keepSnapshot(JSON.stringify(snapshot));
  return snapshot;
}
