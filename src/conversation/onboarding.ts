// Flows 1 and 2: consent, then the verification code. The code the sender types never enters
// state or effects: check-verification tells the runtime to check the current message's text.
// The counting follows Twilio Verify (docs/decisions/0017): 5 checks per verification; a RESEND
// while one is pending resends it with the checks it has left; only a new verification (the first,
// one after cancel-verification, or one after Twilio ended the old) has all of them again.
import { readYesNo } from '../journeys/yes-no';
import { hasDigits, looksLikeCode, matches } from './keywords';
import { act, say } from './say';
import { texts } from './texts';
import type { AwaitingCode, ConversationContext, ConversationInput, ConversationState, Decision } from './types';

// A verification we know nothing about (state lost, or sending failed): RESEND works at once.
export const LONG_AGO = new Date(0).toISOString();

// Twilio ends a verification 10 minutes after creating it (its default; only Twilio Support changes it).
const VERIFICATION_LIFETIME_MS = 10 * 60 * 1000;
// verificationStartedAt is when the machine asked; Twilio creates the verification a little later
// (up to a verification call's retries). Until this much longer a RESEND may still reach the old
// one, so its checks are not assumed back: showing fewer tries than Twilio allows is harmless (at
// 0 the machine cancels and starts anew); showing more ends in a 60202 the sender did not expect.
const START_DELAY_ALLOWANCE_MS = 60 * 1000;

export function welcome(): Decision {
  return say({ step: 'awaiting-consent' }, texts.welcome);
}

/** Any whole yes or no a chat allows ("yes please", "sure", "👍", "no thanks"): src/journeys/yes-no.ts. */
export function onConsent(text: string, context: ConversationContext): Decision {
  const answer = readYesNo(text);
  if (answer === 'yes') {
    // No reply here: the verification-started outcome, fed back by the runtime, says what happened.
    return act(newVerification(context), [{ type: 'register-user' }, { type: 'start-verification' }]);
  }
  if (answer === 'no') return say(undefined, texts.goodbyeNoConsent);
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
    // Twilio would refuse these (60202, 20404): asking would only cost the sender a wait.
    if (state.checksLeft <= 0) return say(state, texts.triesUsedUp);
    if (state.verificationEnded === true) return say(state, texts.codeExpired);
    return act(state, [{ type: 'check-verification' }]);
  }
  // Meant as a code but not 6 digits: checking it would use up one of the 5 checks for nothing.
  if (hasDigits(text)) return say(state, texts.codeFormatHint);
  return say(state, returning ? texts.unverifiedReturning : texts.codeHint);
}

function resend(state: AwaitingCode, context: ConversationContext): Decision {
  const now = context.now;
  const elapsedMs = now.getTime() - Date.parse(state.codeSentAt);
  const waitMs = context.settings.resendCooldownSeconds * 1000 - elapsedMs;
  if (waitMs > 0) return say(state, texts.resendWait(Math.ceil(waitMs / 1000)));
  // Used up: a start would resend the same verification, still without checks, so it is ended first.
  if (state.checksLeft <= 0) {
    return act(newVerification(context), [{ type: 'cancel-verification' }, { type: 'start-verification' }]);
  }
  if (verificationOver(state, now)) return act(newVerification(context), [{ type: 'start-verification' }]);
  // Still pending at Twilio: the same code goes out again and the checks used stay used. A start
  // time we never knew is counted from now, which can only keep the count longer than Twilio does.
  return act(
    {
      ...state,
      codeSentAt: now.toISOString(),
      verificationStartedAt: state.verificationStartedAt ?? now.toISOString(),
    },
    [{ type: 'start-verification' }],
  );
}

function verificationOver(state: AwaitingCode, now: Date): boolean {
  if (state.verificationEnded === true) return true;
  if (state.verificationStartedAt === undefined) return false;
  return now.getTime() - Date.parse(state.verificationStartedAt) >= VERIFICATION_LIFETIME_MS + START_DELAY_ALLOWANCE_MS;
}

function newVerification(context: ConversationContext): AwaitingCode {
  const now = context.now.toISOString();
  return { step: 'awaiting-code', codeSentAt: now, checksLeft: context.settings.maxChecks, verificationStartedAt: now };
}

export function onVerificationStarted(
  state: ConversationState,
  outcome: Extract<ConversationInput, { kind: 'verification-started' }>['outcome'],
  context: ConversationContext,
): Decision {
  switch (outcome) {
    case 'sent': {
      // A resend of a pending verification: say how many tries it really has left.
      const resent = state.step === 'awaiting-code' && state.checksLeft < context.settings.maxChecks;
      return say(state, resent ? texts.codeResent(state.checksLeft) : texts.codeSent);
    }
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
  const usedUp: ConversationState = state.step === 'awaiting-code' ? { ...state, checksLeft: 0 } : state;
  switch (outcome) {
    case 'approved':
      return act({ step: 'menu' }, [{ type: 'mark-verified' }], texts.verified, texts.menu);
    case 'wrong-code': {
      if (state.step !== 'awaiting-code') return say(state, texts.codeHint);
      const left = state.checksLeft - 1;
      // The fifth wrong code: end the verification now, so RESEND brings a new one with 5 checks.
      if (left <= 0) return act(usedUp, [{ type: 'cancel-verification' }], texts.noChecksLeft);
      return say({ ...state, checksLeft: left }, texts.wrongCode(left));
    }
    case 'too-many-checks':
      // 60202: the verification stays pending, used up, until it is ended.
      return act(usedUp, [{ type: 'cancel-verification' }], texts.noChecksLeft);
    case 'expired':
      // 20404: nothing pending any more, so nothing to cancel; the next start makes a new one.
      return say(state.step === 'awaiting-code' ? { ...state, verificationEnded: true } : state, texts.codeExpired);
  }
}
