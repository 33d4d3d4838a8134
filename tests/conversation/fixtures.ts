// Builders for pure decide() tests: contexts for each kind of sender and a small driver that
// plays a message and, like the runtime, feeds back verification outcomes.
import type {
  AwaitingCode,
  ConversationContext,
  ConversationInput,
  Decision,
  Effect,
} from '../../src/conversation/types';

export const NOW = new Date('2026-11-25T10:00:00.000Z');
export const SETTINGS = { resendCooldownSeconds: 60, maxChecks: 5, claimWindowDays: 28 };

export function context(
  user: ConversationContext['user'],
  overrides: Partial<ConversationContext> = {},
): ConversationContext {
  return { user, preferences: {}, now: NOW, settings: SETTINGS, ...overrides };
}

export const stranger = (o: Partial<ConversationContext> = {}) => context(undefined, o);
export const unverified = (o: Partial<ConversationContext> = {}) => context({ id: 'u1', verified: false }, o);
export const verified = (o: Partial<ConversationContext> = {}) => context({ id: 'u1', verified: true }, o);

export function message(text: string, media: { url: string; contentType: string }[] = []): ConversationInput {
  return { kind: 'message', text, media };
}

export function replies(decision: Decision): string[] {
  return decision.effects.flatMap((e) => (e.type === 'reply' ? [e.text] : []));
}

export function effectTypes(decision: Decision): Effect['type'][] {
  return decision.effects.map((e) => e.type);
}

export function secondsAfter(seconds: number): Date {
  return new Date(NOW.getTime() + seconds * 1000);
}

export const awaitingCode = (
  checksLeft = 5,
  codeSentAt = NOW.toISOString(),
  verification: Pick<AwaitingCode, 'verificationStartedAt' | 'verificationEnded'> = {},
): AwaitingCode => ({ step: 'awaiting-code', codeSentAt, checksLeft, ...verification });

/** The state right after a new verification was asked for at `at`: all checks, cooldown from `at`. */
export const newVerification = (at: Date = NOW): AwaitingCode =>
  awaitingCode(SETTINGS.maxChecks, at.toISOString(), { verificationStartedAt: at.toISOString() });
