// Plays messages through decide() the way src/conversation-runtime/converse.ts does: effects update the
// context, and start/check-verification effects feed back the outcome the test scripted.
import { decide } from '../../src/conversation/decide';
import type { ConversationContext, ConversationInput, ConversationState, Effect } from '../../src/conversation/types';
import { NOW, SETTINGS } from './fixtures';

type Started = Extract<ConversationInput, { kind: 'verification-started' }>['outcome'];
type Checked = Extract<ConversationInput, { kind: 'verification-checked' }>['outcome'];

export function makeSimulator() {
  let state: ConversationState | undefined;
  let context: ConversationContext = { user: undefined, preferences: {}, now: NOW, settings: SETTINGS };
  const started: Started[] = [];
  const checked: Checked[] = [];
  const log: Effect[] = [];

  function apply(effect: Effect): ConversationInput | undefined {
    log.push(effect);
    switch (effect.type) {
      case 'register-user':
        context = { ...context, user: { id: 'u1', verified: false } };
        return undefined;
      case 'mark-verified':
        context = { ...context, user: { id: 'u1', verified: true } };
        return undefined;
      case 'delete-user':
        context = { ...context, user: undefined, preferences: {} };
        return undefined;
      case 'set-preference':
        if (context.user) context = { ...context, preferences: { ...context.preferences, [effect.key]: effect.value } };
        return undefined;
      case 'start-verification':
        return { kind: 'verification-started', outcome: started.shift() ?? 'sent' };
      case 'check-verification':
        return { kind: 'verification-checked', outcome: checked.shift() ?? 'wrong-code' };
      case 'cancel-verification':
        return undefined;
      case 'reply':
        return undefined;
    }
  }

  return {
    /** Sends one message; returns the effects of every round it caused. */
    send(text: string): Effect[] {
      const start = log.length;
      let input: ConversationInput = { kind: 'message', text, media: [] };
      for (let round = 0; round < 4; round++) {
        const decision = decide(state ?? { step: 'new' }, input, context);
        state = decision.next;
        let feedback: ConversationInput | undefined;
        for (const effect of decision.effects) feedback = apply(effect) ?? feedback;
        if (feedback === undefined) return log.slice(start);
        input = feedback;
      }
      throw new Error('conversation did not settle');
    },
    nextStart(outcome: Started) {
      started.push(outcome);
    },
    nextCheck(outcome: Checked) {
      checked.push(outcome);
    },
    advance(seconds: number) {
      context = { ...context, now: new Date(context.now.getTime() + seconds * 1000) };
    },
    get state() {
      return state;
    },
    get context() {
      return context;
    },
  };
}

export function replyTexts(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.type === 'reply' ? [e.text] : []));
}
