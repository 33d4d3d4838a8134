// Twilio Verify, called from the sender's turn. Answers Twilio gives for the passenger (a wrong
// code, too many sends or checks, an expired verification) become outcomes the machine replies to;
// 429, 5xx and network failures are thrown, so the turn waits and tries again; any other refusal
// is logged and reported as a failed start or an expired check (the way forward is RESEND).
import type { Deps } from '../deps';
import { errorCodeLabel } from '../observability/metrics';
import { maskPhone } from '../phone';
import { TwilioApiError, type VerificationStatus } from '../twilio/gateway';

export const VERIFY_NOT_FOUND = 20404;
export const VERIFY_TOO_MANY_CHECKS = 60202;
export const VERIFY_TOO_MANY_SENDS = 60203;

// What Twilio Verify accepts as a code; anything else is a wrong code without asking Twilio.
const CODE_PATTERN = /^[0-9]{4,10}$/;

export type StartOutcome = 'sent' | 'too-many-sends' | 'failed';
export type CheckOutcome = 'approved' | 'wrong-code' | 'expired' | 'too-many-checks';

type VerifyDeps = Pick<Deps, 'twilio' | 'config' | 'logger' | 'metrics'>;

/** Twilio's answer with this code (60202 and 60203 come as HTTP 429, yet are answers, not outages). */
function answered(error: unknown, code: number): boolean {
  return error instanceof TwilioApiError && error.code === code;
}

function refusedForGood(error: unknown): error is TwilioApiError {
  return error instanceof TwilioApiError && !error.retryable;
}

/** Counts a Twilio error that is not the passenger's answer: a refusal, or an outage the turn waits on. */
function countFailure(deps: VerifyDeps, operation: 'start' | 'check' | 'cancel', error: unknown): void {
  if (error instanceof TwilioApiError) {
    deps.metrics.verifyFailures.inc({ operation, error_code: errorCodeLabel(error.code) });
  }
}

export async function startVerification(deps: VerifyDeps, phone: string): Promise<StartOutcome> {
  try {
    await deps.twilio.startVerification({ to: phone, channel: deps.config.twilio.verifyChannel });
    return 'sent';
  } catch (error) {
    if (answered(error, VERIFY_TOO_MANY_SENDS)) return 'too-many-sends';
    countFailure(deps, 'start', error);
    if (!refusedForGood(error)) throw error;
    deps.logger.warn(
      { to: maskPhone(phone), status: error.status, twilioCode: error.code },
      'verification start refused',
    );
    return 'failed';
  }
}

/** Checks the code typed in `text`; the code lives only in this function's locals. */
export async function checkVerification(deps: VerifyDeps, phone: string, text: string): Promise<CheckOutcome> {
  const code = text.replace(/[\s-]/g, '');
  if (!CODE_PATTERN.test(code)) return 'wrong-code';
  try {
    const result = await deps.twilio.checkVerification({ to: phone, code });
    return outcomeOf(result.status, result.valid);
  } catch (error) {
    if (answered(error, VERIFY_NOT_FOUND)) return 'expired';
    if (answered(error, VERIFY_TOO_MANY_CHECKS)) return 'too-many-checks';
    countFailure(deps, 'check', error);
    if (!refusedForGood(error)) throw error;
    deps.logger.warn(
      { to: maskPhone(phone), status: error.status, twilioCode: error.code },
      'verification check refused',
    );
    return 'expired';
  }
}

/** Ends the pending verification so the next start makes a new one with fresh attempts. */
export async function cancelVerification(deps: VerifyDeps, phone: string): Promise<void> {
  try {
    await deps.twilio.cancelVerification({ to: phone });
  } catch (error) {
    // None pending (expired, approved, never started): nothing to cancel.
    if (answered(error, VERIFY_NOT_FOUND)) return;
    countFailure(deps, 'cancel', error);
    if (!refusedForGood(error)) throw error;
    deps.logger.warn(
      { to: maskPhone(phone), status: error.status, twilioCode: error.code },
      'verification cancel refused',
    );
  }
}

function outcomeOf(status: VerificationStatus, valid: boolean): CheckOutcome {
  if (status === 'approved' && valid) return 'approved';
  if (status === 'pending') return 'wrong-code';
  if (status === 'max_attempts_reached') return 'too-many-checks';
  return 'expired';
}
