// What a stored state alone says about the sender's account, so a turn can skip looking it up.
import type { ConversationState } from './types';

/**
 * True when the state itself says the sender has no account. Only the sender's own turns create
 * one (register-user), and no decision leaves a sender with an account at the welcome
 * (tests/conversation/decide-invariants.test.ts): a sender who never answered it, the most
 * common kind, is answered without a database round trip.
 */
export function stateShowsNoAccount(state: ConversationState): boolean {
  return state.step === 'awaiting-consent';
}
