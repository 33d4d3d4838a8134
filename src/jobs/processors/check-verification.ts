// Checks the code a passenger typed. The code is read from the inbound message's own job (the
// verification job carries only its MessageSid) and lives only in this function's locals.
import { Job, UnrecoverableError } from 'bullmq';
import type { Deps } from '../../main/deps';
import { TwilioApiError, type VerificationStatus } from '../../twilio/gateway';
import { checkVerificationSchema, inboundMessageSchema, QUEUE } from '../queues';
import { remember, rememberedOutcome } from './verification-outcome';

export const VERIFY_NOT_FOUND = 20404;
export const VERIFY_TOO_MANY_CHECKS = 60202;

// What Twilio Verify accepts as a code; anything else is a wrong code without asking Twilio.
const CODE_PATTERN = /^[0-9]{4,10}$/;

export type CheckOutcome = 'approved' | 'wrong-code' | 'expired' | 'too-many-checks';
export type CheckVerificationResult = { outcome: CheckOutcome };

export function makeCheckVerificationProcessor(deps: Deps) {
  return async function checkVerification(job: Job): Promise<CheckVerificationResult> {
    const parsed = checkVerificationSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid check-verification payload');
    const { phoneNumber, inboundMessageSid, correlationId } = parsed.data;

    const known = await rememberedOutcome<CheckVerificationResult>(deps, job);
    if (known !== undefined) return known;

    const inbound = await Job.fromId(deps.queues[QUEUE.inbound], inboundMessageSid);
    const message = inboundMessageSchema.safeParse(inbound?.data);
    if (!message.success) throw new UnrecoverableError('the inbound message holding the code is gone');
    const code = message.data.body.replace(/[\s-]/g, '');
    if (!CODE_PATTERN.test(code)) return remember(deps, job, { outcome: 'wrong-code' });

    let outcome: CheckOutcome;
    try {
      const result = await deps.twilio.checkVerification({ to: phoneNumber, code });
      outcome = outcomeOf(result.status, result.valid);
    } catch (error) {
      if (!(error instanceof TwilioApiError)) throw error;
      if (error.code === VERIFY_NOT_FOUND) outcome = 'expired';
      else if (error.code === VERIFY_TOO_MANY_CHECKS) outcome = 'too-many-checks';
      else if (error.retryable) throw error;
      else {
        deps.logger
          .child({ queue: QUEUE.verification, jobId: job.id, correlationId })
          .warn({ status: error.status, twilioCode: error.code }, 'verification check refused');
        throw new UnrecoverableError(`Twilio Verify refused the check: ${error.status} ${error.code ?? ''}`.trim());
      }
    }
    return remember(deps, job, { outcome });
  };
}

function outcomeOf(status: VerificationStatus, valid: boolean): CheckOutcome {
  if (status === 'approved' && valid) return 'approved';
  if (status === 'pending') return 'wrong-code';
  if (status === 'max_attempts_reached') return 'too-many-checks';
  return 'expired';
}
