// Builds a Decision whose replies are joined into one message, so a sender gets one WhatsApp
// message per turn unless a step really needs two.
import type { ConversationState, Decision, Effect } from './types';

export function say(next: ConversationState | undefined, ...parts: string[]): Decision {
  return { next, effects: [{ type: 'reply', text: parts.join('\n\n') }] };
}

/** Effects first, then one reply joining the parts. */
export function act(next: ConversationState | undefined, effects: Effect[], ...parts: string[]): Decision {
  return { next, effects: parts.length > 0 ? [...effects, { type: 'reply', text: parts.join('\n\n') }] : effects };
}
