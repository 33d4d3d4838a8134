// Plays messages through decide() the way src/conversation-runtime/converse.ts does: effects update the
// context, and the effects that ask for an outcome (verification, ticket storage, submission,
// loading journeys) feed back the outcome the test scripted.
import { decide } from '../../src/conversation/decide';
import type { CompleteJourney, JourneySummary } from '../../src/conversation/journey-types';
import type { ConversationContext, ConversationInput, ConversationState, Effect } from '../../src/conversation/types';
import { NOW, SETTINGS } from './fixtures';

type Started = Extract<ConversationInput, { kind: 'verification-started' }>['outcome'];
type Checked = Extract<ConversationInput, { kind: 'verification-checked' }>['outcome'];
type Stored = Extract<ConversationInput, { kind: 'ticket-stored' }>['outcome'];
type Media = { url: string; contentType: string };

export function makeSimulator(start: { state?: ConversationState; context?: Partial<ConversationContext> } = {}) {
  let state: ConversationState | undefined = start.state;
  let context: ConversationContext = {
    user: undefined,
    preferences: {},
    now: NOW,
    settings: SETTINGS,
    ...start.context,
  };
  const started: Started[] = [];
  const checked: Checked[] = [];
  const stored: Stored[] = [];
  const log: Effect[] = [];
  let files = 0;
  /** Ticket files the runtime holds: stored and neither discarded nor submitted yet. */
  const held = new Set<string>();
  const submitted: CompleteJourney[] = [];
  let journeys: JourneySummary[] = [];

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
      case 'store-ticket': {
        const outcome = stored.shift() ?? 'stored';
        const ids = outcome === 'stored' ? effect.media.map(() => `file-${++files}`) : [];
        for (const id of ids) held.add(id);
        return { kind: 'ticket-stored', outcome, ticketFileIds: ids };
      }
      case 'discard-tickets':
        for (const id of effect.ticketFileIds) held.delete(id);
        return undefined;
      case 'submit-journey':
        submitted.push(effect.journey);
        for (const id of effect.journey.ticketFileIds) held.delete(id);
        return { kind: 'journey-submitted', reference: `RR-7K3F9${submitted.length}` };
      case 'load-journeys':
        return { kind: 'journeys-loaded', journeys };
    }
  }

  return {
    /** Sends one message; returns the effects of every round it caused. */
    send(text: string, media: Media[] = []): Effect[] {
      const start = log.length;
      let input: ConversationInput = { kind: 'message', text, media };
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
    nextStore(outcome: Stored) {
      stored.push(outcome);
    },
    setJourneys(list: JourneySummary[]) {
      journeys = list;
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
    /** Ticket files stored and not yet discarded or submitted. */
    get heldFiles() {
      return [...held];
    },
    get submitted() {
      return submitted;
    },
  };
}

export function replyTexts(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.type === 'reply' ? [e.text] : []));
}
