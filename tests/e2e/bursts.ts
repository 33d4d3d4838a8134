// Interleaved bursts from many senders. Each sender's script makes every reply depend on the
// state its earlier messages left, so a message handled out of order, twice or not at all shows
// up as a wrong reply list.
import { Queue } from 'bullmq';
import { texts } from '../../src/conversation/texts';
import { QUEUE, queuePrefix } from '../../src/jobs/queues';
import { eventually } from '../support/eventually';
import type { Stack } from './stack';

export const SCRIPT = ['Hi', 'menu', 'help', 'what?', 'cancel', 'help'];
export const EXPECTED = [
  texts.welcome,
  texts.needsAccount,
  texts.helpNoAccount,
  texts.consentHint,
  texts.goodbyeNoConsent,
  texts.helpNoAccount,
];

export function senders(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `+4477009${String(10_000 + offset + i).slice(-5)}`);
}

/** Every sender sends its script in order, all senders at once; resolves when all were accepted. */
export async function sendBursts(stack: Stack, phones: string[]): Promise<void> {
  await Promise.all(
    phones.map(async (phone) => {
      for (const body of SCRIPT) {
        const { status } = await stack.webhooks.inbound({ from: phone, body });
        if (status !== 200) throw new Error(`webhook answered ${status}`);
      }
    }),
  );
}

export function repliesBySender(stack: Stack, phones: string[]): Record<string, string[]> {
  return Object.fromEntries(
    phones.map((phone) => [phone, stack.twilio.messagesTo(`whatsapp:${phone}`).map((m) => m.body)]),
  );
}

export function totalReplies(stack: Stack, phones: string[]): number {
  return Object.values(repliesBySender(stack, phones)).reduce((sum, list) => sum + list.length, 0);
}

/** Resolves once the senders have at least `count` replies between them. */
export async function untilReplies(stack: Stack, phones: string[], count: number, timeoutMs: number): Promise<void> {
  await eventually(() => expect(totalReplies(stack, phones)).toBeGreaterThanOrEqual(count), {
    timeoutMs,
    what: `${count} replies`,
  });
}

/**
 * Resolves once every accepted message has been handled and nothing is left to run: no inbound
 * job waiting, delayed or active (a SIGKILLed worker's jobs stay active until another worker takes
 * them over), none failed, and no send queued. Call it after the webhooks were answered (each
 * answer means its job was added). Only then can a test say that a reply it has not seen will not
 * come.
 */
export async function untilSettled(stack: Stack, timeoutMs: number): Promise<void> {
  const inbound = new Queue(QUEUE.inbound, {
    connection: stack.redis,
    prefix: queuePrefix(stack.prefix, QUEUE.inbound),
  });
  const outbound = new Queue(QUEUE.outbound, {
    connection: stack.redis,
    prefix: queuePrefix(stack.prefix, QUEUE.outbound),
  });
  const busy = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
  const none = Object.fromEntries(busy.map((state) => [state, 0]));
  try {
    await eventually(
      async () => {
        expect(await inbound.getJobCounts(...busy, 'failed')).toEqual({ ...none, failed: 0 });
        expect(await outbound.getJobCounts(...busy)).toEqual(none);
      },
      { timeoutMs, what: 'every inbound message handled' },
    );
  } finally {
    await Promise.all([inbound.close(), outbound.close()]);
  }
}

/** Every sender's script answered: each reply once, in order. */
export function expectedReplies(phones: string[]): Record<string, string[]> {
  return Object.fromEntries(phones.map((phone) => [phone, EXPECTED]));
}
