// Flow 4: the commands a sender may send in any state, and DELAY and STATUS (flows 6 and 7). A
// sender without an account is told what the command needs and offered the way in; nothing is
// stored for them. During a delay report the commands keep working; leaving the report (CANCEL,
// MENU, SETTINGS, DELETE MY DATA) drops it and discards any ticket file stored for it.
import { discardTickets, question, startReport, tidyJourney, type ReportStart } from './journey';
import type { ReportingJourney } from './journey-types';
import type { GlobalCommand, JourneyCommand } from './keywords';
import { welcome } from './onboarding';
import { act, say } from './say';
import { showMenu, showSettings } from './settings';
import { texts } from './texts';
import type { ConversationContext, ConversationState, Decision, Effect } from './types';

export function onGlobalCommand(
  command: GlobalCommand,
  state: ConversationState,
  context: ConversationContext,
  ...before: string[]
): Decision {
  const user = context.user;
  if (user === undefined) return withoutAccount(command, state, before);
  const verified = user.verified;
  if (state.step === 'journey' && verified) return inReport(command, state, context);
  switch (command) {
    case 'help':
      return verified ? say(state, ...before, texts.help) : say(state, ...before, texts.help, texts.codeHint);
    case 'menu':
      return verified ? showMenu(...before) : say(state, ...before, texts.needsVerification);
    case 'settings':
      return verified ? showSettings(context.preferences, ...before) : say(state, ...before, texts.needsVerification);
    case 'cancel':
      return verified ? showMenu(...before, texts.cancelled) : say(state, ...before, texts.cancelled, texts.codeHint);
    case 'stop':
      return act(state, [{ type: 'set-preference', key: 'opted_out', value: true }], ...before, texts.stopped);
    case 'start':
      return act(state, [{ type: 'set-preference', key: 'opted_out', value: false }], ...before, texts.started);
    case 'delete-my-data':
      return say(
        {
          step: 'confirm-delete',
          returnTo: verified ? 'menu' : 'awaiting-code',
          ...(state.step === 'awaiting-code' && {
            pendingCode: { codeSentAt: state.codeSentAt, checksLeft: state.checksLeft },
          }),
        },
        ...before,
        texts.confirmDelete,
      );
  }
}

function withoutAccount(command: GlobalCommand, state: ConversationState, before: string[]): Decision {
  switch (command) {
    case 'help':
      return say({ step: 'awaiting-consent' }, ...before, texts.helpNoAccount);
    case 'menu':
    case 'settings':
      return say({ step: 'awaiting-consent' }, ...before, texts.needsAccount);
    case 'cancel':
      // Leaving the welcome is the only step to cancel; nothing was stored.
      return state.step === 'awaiting-consent'
        ? say(undefined, ...before, texts.goodbyeNoConsent)
        : say(state, ...before, texts.nothingToCancel, texts.needsAccount);
    case 'stop':
      return say(undefined, ...before, texts.stoppedNoAccount);
    case 'start':
      return before.length > 0 ? say({ step: 'awaiting-consent' }, ...before, texts.welcome) : welcome();
    case 'delete-my-data':
      return say(state, ...before, texts.noDataToDelete);
  }
}

/** A command in the middle of a delay report: help and STOP / START keep it, the others leave it. */
function inReport(command: GlobalCommand, stored: ReportingJourney, context: ConversationContext): Decision {
  const report = tidyJourney(stored);
  const drop = discardTickets(report);
  switch (command) {
    case 'help':
      return say(report, texts.help, question(report));
    case 'stop':
      return act(report, [{ type: 'set-preference', key: 'opted_out', value: true }], texts.stopped, question(report));
    case 'start':
      return act(report, [{ type: 'set-preference', key: 'opted_out', value: false }], texts.started, question(report));
    case 'cancel':
      return leave(drop, showMenu(texts.reportCancelled));
    case 'menu':
      return leave(drop, showMenu(texts.reportDropped));
    case 'settings':
      return leave(drop, showSettings(context.preferences, texts.reportDropped));
    case 'delete-my-data':
      return act({ step: 'confirm-delete', returnTo: 'menu' }, drop, texts.reportDropped, texts.confirmDelete);
  }
}

function leave(effects: Effect[], decision: Decision): Decision {
  return { next: decision.next, effects: [...effects, ...decision.effects] };
}

/**
 * DELAY and STATUS (and a sentence about a delay, as `start`): a verified sender starts a report
 * or gets their journeys; anyone else is told to finish registering first, with what to type.
 */
export function onJourneyCommand(
  command: JourneyCommand,
  state: ConversationState,
  context: ConversationContext,
  returning: boolean,
  start: ReportStart = { draft: {}, fromSentence: false },
  ...before: string[]
): Decision {
  const what = command === 'delay' ? 'report' : 'status';
  const user = context.user;
  if (user === undefined) {
    // Consent before anything: the terms are shown before YES is asked for.
    return state.step === 'awaiting-consent'
      ? say(state, ...before, texts.accountFirst(what), texts.consentHint)
      : say({ step: 'awaiting-consent' }, ...before, texts.accountFirst(what), texts.welcome);
  }
  if (!user.verified) {
    return say(state, ...before, texts.verifyFirst(what), returning ? texts.unverifiedReturning : texts.codeHint);
  }
  if (command === 'status') {
    // No reply here: the journeys-loaded outcome, fed back by the runtime, lists them.
    const said: Effect[] = before.length > 0 ? [{ type: 'reply', text: before.join('\n\n') }] : [];
    return act(state.step === 'journey' ? tidyJourney(state) : state, [...said, { type: 'load-journeys' }]);
  }
  if (state.step === 'journey') {
    const report = tidyJourney(state);
    return say(report, ...before, texts.alreadyReporting, question(report));
  }
  return startReport(start, ...before);
}
