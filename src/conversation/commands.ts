// Flow 4: the commands a sender may send in any state. A sender without an account is told
// what the command needs and offered the way in; nothing is stored for them.
import type { GlobalCommand } from './keywords';
import { welcome } from './onboarding';
import { act, say } from './say';
import { showMenu, showSettings } from './settings';
import { texts } from './texts';
import type { ConversationContext, ConversationState, Decision } from './types';

export function onGlobalCommand(
  command: GlobalCommand,
  state: ConversationState,
  context: ConversationContext,
  ...before: string[]
): Decision {
  const user = context.user;
  if (user === undefined) return withoutAccount(command, state, before);
  const verified = user.verified;
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
