// Claim events through real processes: two worker processes share the stream's consumer group and
// one is killed mid-batch (every event is handled, none is lost and no passenger is told twice);
// and POST /api/v1/events, signed with Standard Webhooks, reaches the passenger through the web
// process, the stream and a worker.
import { seedJourney } from '../support/journeys';
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { appendInboundEvent } from '../../src/inbound-events/event-stream';
import type { Journey } from '../../src/repos/journeys';
import { upsertPreference } from '../../src/repos/preferences';
import { createUser, markUserVerified } from '../../src/repos/users';
import { eventually } from '../support/eventually';
import { REDIS_MODES } from '../support/redis-modes';
import { startStack, type Stack } from './stack';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const STREAM = `test-events-${randomUUID()}`;

describe.each(REDIS_MODES)('claim events through the worker processes (%s Redis)', (mode) => {
  let stack: Stack;
  let numbers = 0;

  beforeAll(async () => {
    stack = await startStack({
      redis: mode,
      workers: 2,
      env: {
        INBOUND_EVENTS_STREAM: STREAM,
        INBOUND_EVENTS_SECRET: SECRET,
        // A killed worker's entries are taken over after 2 s instead of 30 s.
        INBOUND_EVENTS_CLAIM_IDLE_MS: '2000',
        OUTBOUND_MESSAGES_PER_SECOND: '10000',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.redis.del(STREAM);
    await stack?.stop();
  }, 30_000);

  async function passenger(): Promise<{ phone: string; userId: string; journey: Journey }> {
    const db = stack.database.pool;
    const phone = `+4477009${String(60_000 + numbers++).padStart(5, '0')}`;
    const user = await createUser(db, { phoneNumber: phone });
    await markUserVerified(db, user.id, new Date());
    await upsertPreference(db, user.id, 'quiet_hours', false);
    const journey = await seedJourney(db, user.id);
    // They wrote an hour ago: inside WhatsApp's window, so the update is a text.
    await stack.redis.set(stack.keys.lastInbound(phone), String(Date.now() - 3_600_000), 'EX', 86_400);
    return { phone, userId: user.id, journey };
  }

  function envelope(type: string, payload: Record<string, unknown>) {
    return {
      event_id: randomUUID(),
      event_type: type,
      aggregate_type: 'claim',
      aggregate_id: String(payload.journey_id),
      occurred_at: new Date().toISOString(),
      correlation_id: null,
      payload,
    };
  }

  const sentTo = (phone: string) => stack.twilio.messagesTo(`whatsapp:${phone}`);

  it('two workers share the stream; one killed mid-batch loses no event and tells no passenger twice', async () => {
    const passengers: Awaited<ReturnType<typeof passenger>>[] = [];
    for (let i = 0; i < 300; i++) passengers.push(await passenger());
    const pipeline = stack.redis.pipeline();
    for (const p of passengers) {
      const event = envelope('claim.paid', { journey_id: p.journey.id, user_id: p.userId, amount_pence: 1234 });
      pipeline.xadd(
        STREAM,
        '*',
        'event_id',
        event.event_id,
        'event_type',
        event.event_type,
        'envelope',
        JSON.stringify(event),
      );
    }
    await pipeline.exec();

    await eventually(() => expect(passengers.filter((p) => sentTo(p.phone).length > 0).length).toBeGreaterThan(20), {
      timeoutMs: 30_000,
    });
    const [victim] = stack.workers;
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    // It held entries it had read and not acknowledged: they were mid-batch.
    const consumers = (await stack.redis.xinfo('CONSUMERS', STREAM, 'whatsapp-handler')) as unknown[][];
    const pendingByConsumer = consumers.map((c) => Number(c[c.indexOf('pending') + 1]));
    expect(Math.max(...pendingByConsumer)).toBeGreaterThan(0);

    await eventually(
      async () => {
        const { rows } = await stack.database.pool.query<{ n: number }>(
          `select count(*)::int as n from whatsapp_handler.claim_notifications where status = 'sent'`,
        );
        expect(rows[0]!.n).toBe(300);
      },
      { timeoutMs: 60_000, what: 'every notification sent' },
    );
    await eventually(async () => expect((await stack.redis.xpending(STREAM, 'whatsapp-handler'))[0]).toBe(0), {
      timeoutMs: 30_000,
    });
    const counts = passengers.map((p) => sentTo(p.phone).length);
    expect({ missing: counts.filter((n) => n === 0).length, twice: counts.filter((n) => n > 1).length }).toEqual({
      missing: 0,
      twice: 0,
    });
    const { rows } = await stack.database.pool.query<{ n: number }>(
      `select count(*)::int as n from whatsapp_handler.journeys where status = 'paid'`,
    );
    expect(rows[0]!.n).toBe(300);
  }, 120_000);

  it('POST /api/v1/events, signed with Standard Webhooks, reaches the passenger once however often it is sent', async () => {
    const p = await passenger();
    const event = envelope('evaluation.completed', {
      journey_id: p.journey.id,
      user_id: p.userId,
      eligible: true,
      scheme: 'Delay Repay',
      compensation_pence: 2500,
      delay_minutes: 45,
    });
    const body = JSON.stringify(event);
    const post = (id: string) => {
      const timestamp = new Date();
      const signature = new Webhook(SECRET).sign(id, timestamp, body);
      return fetch(`${stack.webUrl}/api/v1/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
      });
    };
    expect((await post('msg_1')).status).toBe(202);
    // The sender's own retry, and the same event sent again under a new delivery id.
    expect((await post('msg_1')).status).toBe(200);
    expect((await post('msg_2')).status).toBe(202);
    await eventually(() => expect(sentTo(p.phone)).toHaveLength(1), { timeoutMs: 20_000 });
    expect(sentTo(p.phone)[0]!.body).toContain('£25.00');
    await appendInboundEvent(stack.redis, STREAM, {
      eventId: event.event_id,
      eventType: event.event_type,
      envelopeJson: body,
    });
    await eventually(async () => expect((await stack.redis.xpending(STREAM, 'whatsapp-handler'))[0]).toBe(0));
    expect(sentTo(p.phone)).toHaveLength(1);
  }, 60_000);
});
