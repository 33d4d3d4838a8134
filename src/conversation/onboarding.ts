// Flows 1 and 2: consent, then the verification code. The code the sender types never enters
// state or effects: check-verification tells the runtime to check the current message's text.
import { isNo, isYes, looksLikeCode, matches } from './keywords';
import { act, say } from './say';
import { texts } from './texts';
import type { ConversationContext, ConversationInput, ConversationState, Decision } from './types';

type AwaitingCode = Extract<ConversationState, { step: 'awaiting-code' }>;

// A verification we know nothing about (state lost, or sending failed): RESEND works at once.
export const LONG_AGO = new Date(0).toISOString();

export function welcome(): Decision {
  return say({ step: 'awaiting-consent' }, texts.welcome);
}

export function onConsent(text: string, context: ConversationContext): Decision {
  if (isYes(text)) {
    // No reply here: the verification-started outcome, fed back by the runtime, says what happened.
    return act(freshCode(context), [{ type: 'register-user' }, { type: 'start-verification' }]);
  }
  if (isNo(text)) return say(undefined, texts.goodbyeNoConsent);
  return say({ step: 'awaiting-consent' }, texts.consentHint);
}

export function onAwaitingCode(
  state: AwaitingCode,
  text: string,
  context: ConversationContext,
  returning: boolean,
): Decision {
  if (matches(text, 'resend', 'resend code', 'new code', 'send again', 'send code')) return resend(state, context);
  if (looksLikeCode(text)) {
    if (state.checksLeft <= 0) return say(state, texts.noChecksLeft);
    return act(state, [{ type: 'check-verification' }]);
  }
  return say(state, returning ? texts.unverifiedReturning : texts.codeHint);
}

function resend(state: AwaitingCode, context: ConversationContext): Decision {
  const elapsedMs = context.now.getTime() - Date.parse(state.codeSentAt);
  const waitMs = context.settings.resendCooldownSeconds * 1000 - elapsedMs;
  if (waitMs > 0) return say(state, texts.resendWait(Math.ceil(waitMs / 1000)));
  return act(freshCode(context), [{ type: 'start-verification' }]);
}

function freshCode(context: ConversationContext): AwaitingCode {
  return { step: 'awaiting-code', codeSentAt: context.now.toISOString(), checksLeft: context.settings.maxChecks };
}

export function onVerificationStarted(
  state: ConversationState,
  outcome: Extract<ConversationInput, { kind: 'verification-started' }>['outcome'],
): Decision {
  switch (outcome) {
    case 'sent':
      return say(state, texts.codeSent);
    case 'too-many-sends':
      return say(state, texts.tooManySends);
    case 'failed':
      // Nothing was sent, so the cooldown must not hold the sender back.
      return say(state.step === 'awaiting-code' ? { ...state, codeSentAt: LONG_AGO } : state, texts.sendFailed);
  }
}

export function onVerificationChecked(
  state: ConversationState,
  outcome: Extract<ConversationInput, { kind: 'verification-checked' }>['outcome'],
): Decision {
  const exhausted: ConversationState = state.step === 'awaiting-code' ? { ...state, checksLeft: 0 } : state;
  switch (outcome) {
    case 'approved':
      return act({ step: 'menu' }, [{ type: 'mark-verified' }], texts.verified, texts.menu);
    case 'wrong-code': {
      if (state.step !== 'awaiting-code') return say(state, texts.codeHint);
      const left = state.checksLeft - 1;
      if (left <= 0) return say(exhausted, texts.noChecksLeft);
      return say({ ...state, checksLeft: left }, texts.wrongCode(left));
    }
    case 'too-many-checks':
      return say(exhausted, texts.noChecksLeft);
    case 'expired':
      return say(exhausted, texts.codeExpired);
  }
}
