// Sends messages into the inbound queue the way the webhook does (queue the job, number it in its
// sender's lane), for tests that run the real workers in-process.
import { randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { Deps } from '../../src/deps';
import { JOB, QUEUE } from '../../src/jobs/queues';
import { recordArrival } from '../../src/jobs/sender-arrival';

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
      {
        messageSid,
        from: `whatsapp:${phone}`,
        to: deps.config.twilio.whatsappFrom,
        body,
        media: [],
        receivedAt: new Date().toISOString(),
      },
      { ...options, jobId: messageSid },
    ),
    recordArrival(deps.redis, deps.keys, { messageSid, phone }),
  ]);
  return messageSid;
}
