// Runs one inbound message through the state machine and applies its effects in order, in the
// sender's turn: replies are sent, Verify is called and preferences are written right here, one
// after another, so the sender's next message sees all of it. Every effect has an index within the
// turn and records what it did in the turn's effects hash, so a retried turn (after an outage or
// a crash) applies each effect once and never sends a reply twice.
import { UnrecoverableError } from 'bullmq';
import type { Deps } from '../deps';
import { decide } from '../conversation/decide';
import type { ConversationContext, ConversationInput, ConversationState, Effect } from '../conversation/types';
import type { InboundMessage } from '../jobs/queues';
import { sendOnce } from '../outbound/send-once';
import type { SendRate } from '../outbound/send-rate';
import { maskPhone } from '../phone';
import { writePreference } from '../preferences/write-preference';
import { deleteUserData, markVerified, registerUser } from './account-effects';
import { discardTickets, listRecentJourneys, submitJourney } from './journey-effects';
import { deleteStoredMedia, storeTickets } from './store-tickets';
import type { TurnEffects } from './turn-effects';
import {
  cancelVerification,
  checkVerification,
  startVerification,
  type CheckOutcome,
  type StartOutcome,
} from './verification-calls';

/** The state and context a message is first decided with; reused as is by every retry. */
export type ConversationSnapshot = { state: ConversationState; context: ConversationContext };

export type TurnDeps = Deps & { sendRate: SendRate };

// decide() answers a verification outcome with replies only; more rounds would be a loop.
const MAX_ROUNDS = 4;
// Recorded for an effect that is done and has nothing else worth remembering.
const DONE = 'done';
// Recorded in place of a SID for a reply Twilio refused for good.
const REFUSED = 'refused';

type Applied = { feedback?: ConversationInput; context?: ConversationContext };

/** The journey effects are only decided for a verified user; anything else is a bug in the machine. */
function requireUser(context: ConversationContext): { id: string } {
  if (context.user === undefined) throw new UnrecoverableError('a journey effect without an account');
  return context.user;
}

export function makeConverse(deps: TurnDeps) {
  /** Returns the state to keep (undefined: forget the sender). */
  return async function converse(
    message: InboundMessage,
    phone: string,
    snapshot: ConversationSnapshot,
    effects: TurnEffects,
    turnId: string,
  ): Promise<ConversationState | undefined> {
    let state: ConversationState | undefined = snapshot.state;
    let context = snapshot.context;
    let input: ConversationInput = { kind: 'message', text: message.body, media: message.media };
    let index = 0;

    /** Runs `work` once per turn and effect; a retry gets the recorded outcome instead. */
    const once = async <T extends string>(i: number, work: () => Promise<T>): Promise<T> => {
      const known = await effects.outcome(i);
      if (known !== undefined) return known as T;
      const outcome = await work();
      await effects.record(i, outcome);
      return outcome;
    };

    const apply = async (effect: Effect, i: number): Promise<Applied> => {
      // A retry must decide alike once anything was done: the snapshot is saved first (a reply
      // saves it with its send-attempt stamp, before Twilio is called).
      if (effect.type !== 'reply') await effects.saveSnapshot();
      switch (effect.type) {
        case 'reply': {
          const sent = await sendOnce(deps, effects.ledger(i), { to: message.from, body: effect.text });
          if ('refused' in sent) {
            // Nothing to retry (an invalid or blocked number): the turn goes on without this reply.
            const { status, code } = sent.refused;
            deps.logger.warn({ to: maskPhone(phone), status, twilioCode: code, turnId }, 'reply refused by Twilio');
            await effects.record(i, REFUSED);
          }
          return {};
        }
        case 'register-user': {
          const user = await registerUser(deps, phone, message.messageSid);
          return { context: { ...context, user: { id: user.id, verified: user.verifiedAt !== null } } };
        }
        case 'start-verification': {
          const outcome = await once<StartOutcome>(i, () => startVerification(deps, phone));
          return { feedback: { kind: 'verification-started', outcome } };
        }
        case 'check-verification': {
          const outcome = await once<CheckOutcome>(i, () => checkVerification(deps, phone, message.body));
          return { feedback: { kind: 'verification-checked', outcome } };
        }
        case 'cancel-verification': {
          await once(i, async () => {
            await cancelVerification(deps, phone);
            return DONE;
          });
          return {};
        }
        case 'mark-verified': {
          const user = await markVerified(deps, phone, message.messageSid);
          return { context: { ...context, user: user && { id: user.id, verified: user.verifiedAt !== null } } };
        }
        case 'set-preference': {
          const user = context.user;
          if (user === undefined) return {};
          await once(i, async () => {
            const { key, value } = effect;
            await writePreference(deps, { userId: user.id, key, value, correlationId: message.messageSid });
            return DONE;
          });
          return { context: { ...context, preferences: { ...context.preferences, [effect.key]: effect.value } } };
        }
        case 'delete-user': {
          await deleteUserData(deps, phone, message.messageSid);
          return { context: { ...context, user: undefined, preferences: {} } };
        }
        case 'store-ticket': {
          const user = requireUser(context);
          const stored = JSON.parse(
            await once(i, async () => JSON.stringify(await storeTickets(deps, user.id, effect.media))),
          ) as Extract<ConversationInput, { kind: 'ticket-stored' }>;
          // Kept here now, so Twilio's copy can go; a retry finds it gone, which is fine.
          if (stored.outcome === 'stored') await deleteStoredMedia(deps, effect.media);
          return { feedback: stored };
        }
        case 'discard-tickets': {
          await discardTickets(deps, requireUser(context).id, effect.ticketFileIds);
          return {};
        }
        case 'submit-journey': {
          const user = requireUser(context);
          // One journey per MessageSid (a unique key), however often this YES is retried.
          const reference = await once(i, async () => {
            const submitted = await submitJourney(deps, {
              userId: user.id,
              correlationId: message.messageSid,
              journey: effect.journey,
            });
            return submitted.reference;
          });
          return { feedback: { kind: 'journey-submitted', reference } };
        }
        case 'load-journeys': {
          const journeys = await listRecentJourneys(deps, requireUser(context).id);
          return { feedback: { kind: 'journeys-loaded', journeys } };
        }
      }
    };

    for (let round = 0; round < MAX_ROUNDS; round++) {
      const decision = decide(state ?? { step: 'new' }, input, context);
      state = decision.next;
      let feedback: ConversationInput | undefined;
      for (const effect of decision.effects) {
        const applied = await apply(effect, index++);
        if (applied.context) context = applied.context;
        if (applied.feedback) feedback = applied.feedback;
      }
      if (feedback === undefined) return state;
      input = feedback;
    }
    throw new Error('conversation did not settle within its rounds');
  };
}
