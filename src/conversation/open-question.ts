// Whether the bot has asked the passenger something it is waiting to hear back about. A proactive
// message (a claim update) must not land between such a question and the handling of its
// answer: the passenger would read the update as the next question, or answer the wrong one.
import type { ConversationState } from './types';

const ASKING: ReadonlySet<ConversationState['step']> = new Set([
  'awaiting-consent',
  'awaiting-code',
  'settings-home-station',
  'confirm-delete',
  'journey',
]);

/** True while a question is open; the menu and settings screens offer choices but ask nothing. */
export function awaitsAnswer(state: ConversationState): boolean {
  return ASKING.has(state.step);
}
