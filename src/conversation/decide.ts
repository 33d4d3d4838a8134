// The conversation state machine: (state, input, context) -> { next, effects }. Pure: no I/O,
// no clock but context.now. Every message gets at least one reply, either here or in the round
// the runtime runs after an effect that feeds back an outcome (start-verification,
// check-verification, store-ticket, submit-journey, load-journeys).
import { readYesNo } from '../journeys/yes-no';
import { onGlobalCommand, onJourneyCommand } from './commands';
import { onJourney, onJourneySubmitted, onTicketStored, reportFromSentence } from './journey';
import { globalCommand, journeyCommand, looksLikeCode, matches } from './keywords';
import {
  LONG_AGO,
  onAwaitingCode,
  onConsent,
  onVerificationChecked,
  onVerificationStarted,
  welcome,
} from './onboarding';
import { say } from './say';
import { onHomeStation, onMenu, onSettings, showMenu } from './settings';
import { onJourneysLoaded } from './status';
import { texts } from './texts';
import type { ConversationContext, ConversationInput, ConversationState, Decision } from './types';

export function decide(state: ConversationState, input: ConversationInput, context: ConversationContext): Decision {
  // Outcomes arrive in the same turn as the effect that asked for them: the state is current.
  if (input.kind === 'verification-started') return onVerificationStarted(state, input.outcome, context);
  if (input.kind === 'verification-checked') return onVerificationChecked(state, input.outcome);
  if (input.kind === 'ticket-stored') return onTicketStored(state, input, context);
  if (input.kind === 'journey-submitted') return onJourneySubmitted(input.reference);
  if (input.kind === 'journeys-loaded') return onJourneysLoaded(state, input.journeys, context);

  const { state: current, returning } = reconcile(state, context);
  const text = input.text;

  if (current.step === 'confirm-delete') return onConfirmDelete(current, text, context);

  const command = globalCommand(text);
  if (command !== undefined) return onGlobalCommand(command, current, context);

  const journeyKeyword = journeyCommand(text);
  if (journeyKeyword !== undefined) return onJourneyCommand(journeyKeyword, current, context, returning);

  switch (current.step) {
    case 'new': {
      // A first message about a delay still gets the welcome, with a word on why it comes first.
      const start = reportFromSentence(text, context);
      return start ? onJourneyCommand('delay', current, context, returning, start) : welcome();
    }
    case 'awaiting-consent': {
      const start = readYesNo(text) === null ? reportFromSentence(text, context) : undefined;
      return start ? onJourneyCommand('delay', current, context, returning, start) : onConsent(text, context);
    }
    case 'awaiting-code': {
      const start = looksLikeCode(text) ? undefined : reportFromSentence(text, context);
      return start
        ? onJourneyCommand('delay', current, context, returning, start)
        : onAwaitingCode(current, text, context, returning);
    }
    case 'menu':
      return onMenu(text, context, returning);
    case 'journey':
      return onJourney(current, input, context);
    case 'settings':
      return onSettings(text, context);
    case 'settings-home-station':
      return onHomeStation(text, current, context);
  }
}

/**
 * The state as the account stands: a stored state can outlive an account (deleted) or lag behind
 * it (state expired after 24 h, verified meanwhile). `returning` marks a sender whose state was
 * rebuilt, so unrecognised text shows where they are rather than a bare hint.
 */
function reconcile(
  state: ConversationState,
  context: ConversationContext,
): { state: ConversationState; returning: boolean } {
  const user = context.user;
  if (user === undefined) {
    return state.step === 'new' || state.step === 'awaiting-consent'
      ? { state, returning: false }
      : { state: { step: 'new' }, returning: false };
  }
  if (state.step === 'confirm-delete') return { state, returning: false };
  if (!user.verified) {
    if (state.step === 'awaiting-code') return { state, returning: false };
    return { state: unknownVerification(context), returning: true };
  }
  if (state.step === 'new' || state.step === 'awaiting-consent' || state.step === 'awaiting-code') {
    return { state: { step: 'menu' }, returning: true };
  }
  return { state, returning: false };
}

// A code may still be pending with Twilio, so a typed code is checked; RESEND works at once.
function unknownVerification(context: ConversationContext): ConversationState {
  return { step: 'awaiting-code', codeSentAt: LONG_AGO, checksLeft: context.settings.maxChecks };
}

function onConfirmDelete(
  state: Extract<ConversationState, { step: 'confirm-delete' }>,
  text: string,
  context: ConversationContext,
): Decision {
  if (context.user === undefined) return welcome();
  if (matches(text, 'yes', 'delete')) {
    return { next: undefined, effects: [{ type: 'delete-user' }, { type: 'reply', text: texts.deleted }] };
  }
  const command = globalCommand(text);
  if (command === 'delete-my-data') return say(state, texts.confirmDelete);
  // returnTo is a hint; the account says where the sender really goes back to.
  const back: ConversationState = context.user.verified
    ? { step: 'menu' }
    : state.pendingCode
      ? { step: 'awaiting-code', ...state.pendingCode }
      : unknownVerification(context);
  if (command !== undefined) return onGlobalCommand(command, back, context, texts.deleteCancelled);
  // DELAY, STATUS or a sentence about a delay: the data stays and the sender gets what they asked for.
  const journeyKeyword = journeyCommand(text);
  const start = journeyKeyword === undefined ? reportFromSentence(text, context) : undefined;
  if (journeyKeyword !== undefined || start !== undefined) {
    return onJourneyCommand(journeyKeyword ?? 'delay', back, context, false, start, texts.deleteCancelled);
  }
  if (back.step === 'menu') return showMenu(texts.deleteCancelled);
  return say(back, texts.deleteCancelled, texts.codeHint);
}
