// The contract between the pure conversation state machine (decide) and the runtime that
// applies its effects (the inbound-message processor). The machine never does I/O; the runtime
// never decides what to say.
import type { PreferenceKey, Preferences } from '../preferences/registry';
import type { JourneyEffect, JourneyInput, ReportingJourney } from './journey-types';

/** Where a sender is in the conversation. Stored as JSON in Redis with a 24 h TTL. */
export type ConversationState =
  | { step: 'new' } // no state yet: first contact (or state expired)
  | { step: 'awaiting-consent' } // welcome sent; YES registers, NO leaves with nothing stored
  | AwaitingCode // verification code sent
  | { step: 'menu' } // verified, main menu shown
  | { step: 'settings' } // settings menu shown
  | { step: 'settings-home-station'; choices?: string[] } // asked for a home station; CRS codes offered
  // DELETE MY DATA asked for confirmation; a pending code's window and tries survive a "no".
  | {
      step: 'confirm-delete';
      returnTo: 'menu' | 'awaiting-code' | 'new';
      pendingCode?: Omit<AwaitingCode, 'step'>;
    }
  | ReportingJourney; // reporting a delayed journey (flow 6): src/conversation/journey-types.ts

/**
 * Waiting for the code of a Twilio Verify verification. Twilio allows 5 checks per verification and
 * ends it 10 minutes after creating it; a start while it is pending resends the same code and
 * keeps its checks, so `checksLeft` only goes back to the maximum with a new verification.
 */
export type AwaitingCode = {
  step: 'awaiting-code';
  /** The last time a code was asked for; RESEND's cooldown counts from here. */
  codeSentAt: string;
  /** Checks the verification has left at Twilio, as far as the machine has seen. */
  checksLeft: number;
  /** When the verification was asked for; absent when unknown (state rebuilt or stored before). */
  verificationStartedAt?: string;
  /** Twilio said it is gone (20404: expired, used or canceled): a code is not checked, RESEND starts anew. */
  verificationEnded?: boolean;
};

/** What happened in the sender's lane. */
export type ConversationInput =
  | { kind: 'message'; text: string; media: ReadonlyArray<{ url: string; contentType: string }> }
  /** Outcome of starting a verification (the runtime calls Twilio Verify, then feeds this back). */
  | { kind: 'verification-started'; outcome: 'sent' | 'too-many-sends' | 'failed' }
  /** Outcome of checking the code the sender typed (the code itself never enters the machine's state). */
  | { kind: 'verification-checked'; outcome: 'approved' | 'wrong-code' | 'expired' | 'too-many-checks' }
  /** Outcomes of the journey effects (ticket stored, journey submitted, journeys loaded). */
  | JourneyInput;

/** What the machine may read about the world; loaded by the runtime before deciding. */
export type ConversationContext = {
  /** undefined when the sender has no account. */
  user: { id: string; verified: boolean } | undefined;
  preferences: Preferences;
  now: Date;
  settings: {
    /** Seconds before RESEND may ask for another code. */
    resendCooldownSeconds: number;
    /** Checks Twilio Verify allows per verification (5). */
    maxChecks: number;
    claimWindowDays: number;
  };
};

/** Side effects, applied by the runtime in order, each exactly once per inbound message. */
export type Effect =
  | { type: 'reply'; text: string }
  /** Create the user row with a user.registered event (one transaction). */
  | { type: 'register-user' }
  /** Ask Twilio Verify to send a code; the runtime feeds back a verification-started input. */
  | { type: 'start-verification' }
  /** Check the code in the current message; the runtime feeds back a verification-checked input. */
  | { type: 'check-verification' }
  /**
   * End the pending verification at Twilio (Status=canceled), once its checks are used up, so the
   * next start-verification creates a new one with fresh checks instead of resending the used-up
   * one. No feedback: none pending (20404) is as good as canceled.
   */
  | { type: 'cancel-verification' }
  /** Set verified_at and emit user.verified (one transaction). */
  | { type: 'mark-verified' }
  /** Write one preference and emit user.preferences_updated (one transaction). */
  | { type: 'set-preference'; key: PreferenceKey; value: unknown }
  /** Delete the user and preferences, emit user.deleted (one transaction), clear conversation state. */
  | { type: 'delete-user' }
  /** Reporting a delayed journey: src/conversation/journey-types.ts. */
  | JourneyEffect;

export type Decision = {
  /** undefined means: forget this sender's conversation state (NO at consent, after deletion). */
  next: ConversationState | undefined;
  effects: Effect[];
};
