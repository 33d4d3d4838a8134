// Asks Twilio Verify to send a code. 60203 (too many sends) is an answer, not a failure; 429, 5xx
// and network errors are retried with backoff; any other refusal fails the job for good, which
// the conversation reports as a failed start.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../main/deps';
import { maskPhone } from '../../phone';
import { TwilioApiError } from '../../twilio/gateway';
import { QUEUE, startVerificationSchema } from '../queues';
import { remember, rememberedOutcome } from './verification-outcome';

export const VERIFY_TOO_MANY_SENDS = 60203;

export type StartVerificationResult = { outcome: 'sent' | 'too-many-sends' };

export function makeStartVerificationProcessor(deps: Deps) {
  return async function startVerification(job: Job): Promise<StartVerificationResult> {
    const parsed = startVerificationSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid start-verification payload');
    const { phoneNumber, correlationId } = parsed.data;

    const known = await rememberedOutcome<StartVerificationResult>(deps, job);
    if (known !== undefined) return known;

    const log = deps.logger.child({ queue: QUEUE.verification, jobId: job.id, correlationId });
    try {
      await deps.twilio.startVerification({ to: phoneNumber, channel: deps.config.twilio.verifyChannel });
    } catch (error) {
      if (!(error instanceof TwilioApiError)) throw error;
      if (error.code === VERIFY_TOO_MANY_SENDS) {
        log.info({ to: maskPhone(phoneNumber) }, 'verification not sent: too many sends');
        return remember(deps, job, { outcome: 'too-many-sends' });
      }
      if (error.retryable) throw error;
      log.warn({ status: error.status, twilioCode: error.code }, 'verification start refused');
      throw new UnrecoverableError(`Twilio Verify refused the start: ${error.status} ${error.code ?? ''}`.trim());
    }
    return remember(deps, job, { outcome: 'sent' });
  };
}
