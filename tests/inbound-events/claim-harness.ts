// A worker of this process reading a stream of its own, with the Twilio fake: for the claim-update
// tests. Passengers are made directly in Postgres (verified, with one journey), and events are
// appended to the stream as another RailRepay service would.
import { seedJourney } from '../support/journeys';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/clock';
import { appendInboundEvent } from '../../src/inbound-events/event-stream';
import { startStreamConsumer, type StreamConsumer } from '../../src/inbound-events/stream-consumer';
import { QUEUE } from '../../src/jobs/queues';
import { startWorkers, type WorkerHandle } from '../../src/jobs/register';
import type { Journey } from '../../src/repos/journeys';
import { upsertPreference } from '../../src/repos/preferences';
import { createUser, markUserVerified } from '../../src/repos/users';
import { makeFakeTwilio, type FakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';

export type Harness = {
  t: TestDeps;
  twilio: FakeTwilio;
  stream: string;
  /** A verified passenger with one journey, who wrote to us at `wroteAt` (undefined: never). */
  passenger(options?: {
    verified?: boolean;
    preferences?: Record<string, unknown>;
    wroteAt?: Date;
  }): Promise<{ phone: string; userId: string; journey: Journey }>;
  /** Appends an envelope (or any text, as the envelope field) to the stream; returns its event id. */
  publish(type: string, payload: Record<string, unknown>, eventId?: string): Promise<string>;
  publishRaw(fields: Record<string, string>): Promise<void>;
  messagesTo(phone: string): FakeTwilio['sent'];
  stop(): Promise<void>;
};

let numbers = 0;

export async function startHarness(options: { clock?: Clock; env?: NodeJS.ProcessEnv; consume?: boolean } = {}) {
  const twilio = makeFakeTwilio(options.clock ? { clock: options.clock } : {});
  const stream = `test-events-${randomUUID()}`;
  const t = await makeTestDeps(twilio, {
    env: { INBOUND_EVENTS_STREAM: stream, ...options.env },
    ...(options.clock && { clock: options.clock }),
  });
  const workers: WorkerHandle = startWorkers(t.deps, {
    concurrency: 4,
    queues: [QUEUE.proactive, QUEUE.inboundEventsKept, QUEUE.messageStatus],
  });
  await workers.ready();
  const consumer: StreamConsumer | undefined =
    options.consume === false ? undefined : startStreamConsumer(t.deps, { blockMs: 100, claimIdleMs: 1_000 });

  const harness: Harness = {
    t,
    twilio,
    stream,
    async passenger({ verified = true, preferences = { quiet_hours: false }, wroteAt = t.deps.clock.now() } = {}) {
      const phone = `+4477009${String(50_000 + numbers++).padStart(5, '0')}`;
      const user = await createUser(t.deps.db, { phoneNumber: phone });
      if (verified) await markUserVerified(t.deps.db, user.id, t.deps.clock.now());
      for (const [key, value] of Object.entries(preferences)) await upsertPreference(t.deps.db, user.id, key, value);
      const journey = await seedJourney(t.deps.db, user.id);
      if (wroteAt !== undefined)
        await t.redis.set(t.deps.keys.lastInbound(phone), String(wroteAt.getTime()), 'EX', 86_400);
      return { phone, userId: user.id, journey };
    },
    async publish(type, payload, eventId = randomUUID()) {
      const envelope = {
        event_id: eventId,
        event_type: type,
        aggregate_type: 'claim',
        aggregate_id: String(payload.journey_id ?? randomUUID()),
        occurred_at: t.deps.clock.now().toISOString(),
        correlation_id: null,
        payload,
      };
      await appendInboundEvent(t.redis, stream, { eventId, eventType: type, envelopeJson: JSON.stringify(envelope) });
      return eventId;
    },
    async publishRaw(fields) {
      await t.redis.xadd(stream, '*', ...Object.entries(fields).flat());
    },
    messagesTo(phone) {
      return twilio.sent.filter((message) => message.to === `whatsapp:${phone}`);
    },
    async stop() {
      await consumer?.stop();
      await workers.close();
      await t.redis.del(stream);
      await t.close();
    },
  };
  return harness;
}
