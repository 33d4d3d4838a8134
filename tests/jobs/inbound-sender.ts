// Sends messages into the inbound queue the way the webhook does (queue the job, number it in its
// sender's lane), for tests that run the real workers in-process. Unlike the webhook's, its jobs
// stay once completed (the queue removes them by default, decision 0029), so a test can read how
// a message ended and how many attempts it took.
import { randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { Deps } from '../../src/deps';
import { toInboundJob } from '../../src/jobs/inbound-job';
import { jobSeal } from '../../src/jobs/job-seal';
import { JOB, QUEUE, type InboundMessage, type InboundMessageJob } from '../../src/jobs/queues';
import { recordArrival } from '../../src/jobs/sender-arrival';

/** The job the webhook would queue for this message: sealed, as stored in Redis. */
export function inboundJob(deps: Deps, message: InboundMessage): InboundMessageJob {
  return toInboundJob(message, jobSeal(deps.config.senderKeySecret), deps.keys);
}

export async function receive(
  deps: Deps,
  phone: string,
  body: string,
  options: Omit<JobsOptions, 'jobId'> = {},
): Promise<string> {
  const messageSid = `SM${randomBytes(16).toString('hex')}`;
  await Promise.all([
    deps.queues[QUEUE.inbound].add(
      JOB.inboundMessage,
      inboundJob(deps, {
        messageSid,
        from: `whatsapp:${phone}`,
        to: deps.config.twilio.whatsappFrom,
        body,
        media: [],
        receivedAt: new Date().toISOString(),
      }),
      { removeOnComplete: false, ...options, jobId: messageSid },
    ),
    recordArrival(deps.redis, deps.keys, { messageSid, phone }),
  ]);
  return messageSid;
}
