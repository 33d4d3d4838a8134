// Claim events from the stream to the passenger's WhatsApp: each event applied once, the journey's
// status and history, journey.status_changed, one message (text in the 24-hour window, template
// outside it) or a skip with its reason; bad entries kept for an operator without blocking the
// stream. Real Redis Streams, Postgres and BullMQ; Twilio is the in-process fake.
import { randomUUID } from 'node:crypto';
import { jobSeal } from '../../src/jobs/job-seal';
import { QUEUE, JOB } from '../../src/jobs/queues';
import { listJourneyStatusHistory } from '../../src/repos/journeys';
import { listKeptEvents } from '../../src/repos/inbound-events';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from './claim-harness';

// Midday in London: outside quiet hours whatever the day (quiet hours have their own test).
const NOON = new Date('2026-07-14T11:00:00Z');
const clock = { now: () => NOON };
const HOUR = 3_600_000;

describe('claim events from the stream', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ clock });
  });
  afterEach(() => h.stop());

  const journeyRow = async (id: string) =>
    (
      await h.t.deps.db.query<{ status: string; amount_pence: number | null; claim_reference: string | null }>(
        `select status, amount_pence, claim_reference from whatsapp_handler.journeys where id = $1`,
        [id],
      )
    ).rows[0];
  const notification = async (eventId: string) =>
    (
      await h.t.deps.db.query<{ status: string; skip_reason: string | null; sent_as: string | null }>(
        `select status, skip_reason, sent_as from whatsapp_handler.claim_notifications where event_id = $1`,
        [eventId],
      )
    ).rows[0];
  const skipped = async (reason: string) =>
    (await h.t.deps.metrics.claimNotifications.get()).values.find(
      (v) => v.labels.outcome === 'skipped' && v.labels.reason === reason,
    )?.value ?? 0;
  /**
   * Every entry appended so far was read by the consumer group and acknowledged. Nothing pending
   * alone also holds while the next entry is still unread.
   */
  const drained = () =>
    eventually(async () => {
      const [groups, stream] = await Promise.all([
        h.t.redis.xinfo('GROUPS', h.stream) as Promise<unknown[][]>,
        h.t.redis.xinfo('STREAM', h.stream) as Promise<unknown[]>,
      ]);
      const field = (list: unknown[], name: string) => list[list.indexOf(name) + 1];
      const group = groups.find((g) => field(g, 'name') === 'whatsapp-handler')!;
      expect(field(group, 'last-delivered-id')).toBe(field(stream, 'last-generated-id'));
      expect(field(group, 'pending')).toBe(0);
    });

  it('moves the journey on, records its history and journey.status_changed, and tells the passenger once', async () => {
    const { phone, userId, journey } = await h.passenger();
    const eligible = await h.publish('evaluation.completed', {
      journey_id: journey.id,
      user_id: userId,
      eligible: true,
      scheme: 'Delay Repay',
      compensation_pence: 1234,
      delay_minutes: 32,
    });
    await eventually(() => expect(h.messagesTo(phone)).toHaveLength(1));
    expect(h.messagesTo(phone)[0]!.body).toContain(`*${journey.reference}*`);
    expect(h.messagesTo(phone)[0]!.body).toContain('£12.34');

    await h.publish('claim.submitted', {
      journey_id: journey.id,
      user_id: userId,
      claim_reference: 'NR-778812',
      operator: 'LNER',
    });
    const paid = await h.publish('claim.paid', { journey_id: journey.id, user_id: userId, amount_pence: 1250 });
    await eventually(() => expect(h.messagesTo(phone)).toHaveLength(3));
    expect(h.messagesTo(phone).map((m) => m.body)).toEqual([
      expect.stringContaining('qualifies'),
      expect.stringContaining('NR-778812'),
      expect.stringContaining('*£12.50*'),
    ]);
    expect(await journeyRow(journey.id)).toEqual({ status: 'paid', amount_pence: 1250, claim_reference: 'NR-778812' });
    expect((await listJourneyStatusHistory(h.t.deps.db, journey.id)).map((c) => [c.previousStatus, c.status])).toEqual([
      ['received', 'eligible'],
      ['eligible', 'submitted'],
      ['submitted', 'paid'],
    ]);
    const { rows: events } = await h.t.deps.db.query<{ payload: Record<string, unknown> }>(
      `select payload from whatsapp_handler.outbox_events where event_type = 'journey.status_changed' order by created_at, id`,
    );
    expect(events.map((e) => e.payload.status)).toEqual(['eligible', 'submitted', 'paid']);
    expect(events[0]!.payload).toMatchObject({
      cause_event_id: eligible,
      amount_pence: 1234,
      previous_status: 'received',
    });
    expect(events[2]!.payload).toMatchObject({ cause_event_id: paid, amount_pence: 1250 });
    // Marked sent once Twilio answered, just after the message reached it.
    await eventually(async () =>
      expect(await notification(paid)).toEqual({ status: 'sent', skip_reason: null, sent_as: 'text' }),
    );
    await drained();
  });

  it('applies an event delivered twice (same event_id) once, and sends one message', async () => {
    const { phone, userId, journey } = await h.passenger();
    const eventId = randomUUID();
    const payload = { journey_id: journey.id, user_id: userId, reason: 'ticket not valid on this route' };
    await h.publish('claim.rejected', payload, eventId);
    await h.publish('claim.rejected', payload, eventId);
    await drained();
    await eventually(async () => expect((await notification(eventId))?.status).toBe('sent'));
    expect(h.messagesTo(phone)).toHaveLength(1);
    expect(h.messagesTo(phone)[0]!.body).toContain('ticket not valid on this route');
    expect(await listJourneyStatusHistory(h.t.deps.db, journey.id)).toHaveLength(1);
  });

  it('keeps bad entries for an operator, acknowledges them, and goes on with the next good one', async () => {
    const { phone, userId, journey } = await h.passenger();
    await h.publishRaw({ event_id: 'e1', event_type: 'claim.paid', envelope: '{not json' });
    await h.publishRaw({ event_id: 'e2', event_type: 'claim.paid' });
    await h.publish('claim.paid', { journey_id: journey.id, user_id: userId, amount_pence: 'twelve' });
    await h.publishRaw({
      event_id: 'e4',
      event_type: 'claim.paid',
      envelope: JSON.stringify({ event_id: 'e4', event_type: 'claim.paid', padding: 'x'.repeat(70_000) }),
    });
    await h.publish('claim.paid', { journey_id: randomUUID(), user_id: userId, amount_pence: 100 });
    const good = await h.publish('claim.paid', { journey_id: journey.id, user_id: userId, amount_pence: 999 });

    await eventually(() => expect(h.messagesTo(phone)).toHaveLength(1));
    expect(h.messagesTo(phone)[0]!.body).toContain('£9.99');
    await drained();
    const kept = await listKeptEvents(h.t.deps.db, 10);
    // Handled several at a time, so kept in any order.
    expect(kept).toHaveLength(5);
    expect(kept.map((k) => k.reason)).toEqual(
      expect.arrayContaining([
        'envelope is not JSON',
        'stream entry has no envelope field',
        expect.stringMatching(/^payload\.amount_pence: /),
        'envelope over 65536 bytes',
        'unknown journey',
      ]),
    );
    expect(kept.every((k) => k.source === 'stream' && k.streamEntryId !== null)).toBe(true);
    expect((await notification(good))?.status).toBe('sent');
    // Each kept event shows in Bull Board as a failed job with its reason.
    await eventually(async () => {
      const failed = await h.t.deps.queues[QUEUE.inboundEventsKept].getFailed();
      expect(failed).toHaveLength(5);
      expect(failed.map((job) => job.failedReason)).toContainEqual(expect.stringContaining('unknown journey'));
    });
  });

  it('acknowledges an unknown event type and an event for a deleted user, and counts them', async () => {
    const { userId, journey } = await h.passenger();
    await h.publish('claim.escalated', { journey_id: journey.id, user_id: userId });
    await h.publish('claim.paid', { journey_id: randomUUID(), user_id: randomUUID(), amount_pence: 500 });
    await drained();
    const outcomes = (await h.t.deps.metrics.inboundEvents.get()).values.map((v) => [v.labels.outcome, v.value]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ['unknown-type', 1],
        ['user-deleted', 1],
      ]),
    );
    expect(await skipped('user-deleted')).toBe(1);
    expect(await listKeptEvents(h.t.deps.db, 10)).toEqual([]);
  });

  it('skips, with the reason, a passenger who sent STOP, turned notifications off or never verified', async () => {
    const stopped = await h.passenger({ preferences: { opted_out: true, quiet_hours: false } });
    const muted = await h.passenger({ preferences: { notifications: false, quiet_hours: false } });
    const unverified = await h.passenger({ verified: false });
    const ids = [];
    for (const p of [stopped, muted, unverified]) {
      ids.push(await h.publish('claim.paid', { journey_id: p.journey.id, user_id: p.userId, amount_pence: 100 }));
    }
    await drained();
    expect(await Promise.all(ids.map(notification))).toEqual([
      { status: 'skipped', skip_reason: 'opted-out', sent_as: null },
      { status: 'skipped', skip_reason: 'notifications-off', sent_as: null },
      { status: 'skipped', skip_reason: 'not-verified', sent_as: null },
    ]);
    expect([await skipped('opted-out'), await skipped('notifications-off'), await skipped('not-verified')]).toEqual([
      1, 1, 1,
    ]);
    expect(h.twilio.sent).toEqual([]);
    // The journey still moves on: only the message is skipped.
    expect((await journeyRow(stopped.journey.id))?.status).toBe('paid');
  });

  it('outside the 24-hour window sends the template with the reference and status line', async () => {
    const { phone, userId, journey } = await h.passenger({ wroteAt: new Date(NOON.getTime() - 25 * HOUR) });
    const eventId = await h.publish('claim.paid', { journey_id: journey.id, user_id: userId, amount_pence: 1234 });
    await eventually(() => expect(h.messagesTo(phone)).toHaveLength(1));
    expect(h.messagesTo(phone)[0]).toMatchObject({
      contentSid: h.t.deps.config.claimUpdateContentSid,
      contentVariables: { '1': journey.reference, '2': 'paid £12.34' },
    });
    expect(h.messagesTo(phone)[0]!.body).toBeUndefined();
    await eventually(async () =>
      expect(await notification(eventId)).toEqual({ status: 'sent', skip_reason: null, sent_as: 'template' }),
    );
  });

  it('a free-form text failed with 63016 is sent again as the template, once', async () => {
    const { phone, userId, journey } = await h.passenger();
    const eventId = await h.publish('claim.paid', { journey_id: journey.id, user_id: userId, amount_pence: 700 });
    await eventually(async () => expect((await notification(eventId))?.sent_as).toBe('text'));
    const { rows } = await h.t.deps.db.query<{ message_sid: string }>(
      `select message_sid from whatsapp_handler.claim_notifications where event_id = $1`,
      [eventId],
    );
    const callback = (sid: string) =>
      h.t.deps.queues[QUEUE.messageStatus].add(
        JOB.messageStatus,
        {
          messageSid: sid,
          messageStatus: 'undelivered',
          errorCode: '63016',
          sealedTo: jobSeal(h.t.deps.config.senderKeySecret).seal(`whatsapp:${phone}`),
          receivedAt: NOON.toISOString(),
        },
        { jobId: `${sid}-undelivered` },
      );
    await callback(rows[0]!.message_sid);
    await eventually(() => expect(h.messagesTo(phone)).toHaveLength(2));
    expect(h.messagesTo(phone)[1]).toMatchObject({ contentVariables: { '1': journey.reference, '2': 'paid £7.00' } });
    await eventually(async () =>
      expect(await notification(eventId)).toEqual({ status: 'sent', skip_reason: null, sent_as: 'template' }),
    );
    // Twilio said the window is closed: the next update goes as the template straight away.
    expect(await h.t.redis.get(h.t.deps.keys.lastInbound(phone))).toBeNull();
    // A 63016 for the template itself would not resend again.
    const second = (
      await h.t.deps.db.query<{ message_sid: string }>(
        `select message_sid from whatsapp_handler.claim_notifications where event_id = $1`,
        [eventId],
      )
    ).rows[0]!.message_sid;
    await callback(second);
    await eventually(async () => expect(await h.t.deps.queues[QUEUE.messageStatus].getCompletedCount()).toBe(2));
    expect(h.messagesTo(phone)).toHaveLength(2);
  });

  it('a number WhatsApp says cannot receive (63024) gets no claim update until the passenger writes again', async () => {
    const { phone, userId, journey } = await h.passenger();
    await h.t.deps.queues[QUEUE.messageStatus].add(JOB.messageStatus, {
      messageSid: `SM${'c'.repeat(32)}`,
      messageStatus: 'failed',
      errorCode: '63024',
      sealedTo: jobSeal(h.t.deps.config.senderKeySecret).seal(`whatsapp:${phone}`),
      receivedAt: NOON.toISOString(),
    });
    await eventually(async () => {
      const { rows } = await h.t.deps.db.query(
        `select 1 from whatsapp_handler.users where id = $1 and proactive_unreachable_since is not null`,
        [userId],
      );
      expect(rows).toHaveLength(1);
    });
    const eventId = await h.publish('claim.paid', { journey_id: journey.id, user_id: userId, amount_pence: 100 });
    await eventually(async () =>
      expect(await notification(eventId)).toEqual({ status: 'skipped', skip_reason: 'unreachable', sent_as: null }),
    );
    expect(h.twilio.sent).toEqual([]);
  });

  it('waits while the bot has asked the passenger something, and sends once the question is closed', async () => {
    const { phone, userId, journey } = await h.passenger();
    await h.t.redis.set(h.t.deps.keys.conversation(phone), JSON.stringify({ step: 'confirm-delete' }));
    const eventId = await h.publish('claim.paid', { journey_id: journey.id, user_id: userId, amount_pence: 100 });
    const job = await eventually(async () => {
      const [delayed] = await h.t.deps.queues[QUEUE.proactive].getDelayed();
      expect(delayed).toBeDefined();
      return delayed!;
    });
    expect((await notification(eventId))?.status).toBe('pending');
    expect(h.twilio.sent).toEqual([]);
    await h.t.redis.set(h.t.deps.keys.conversation(phone), JSON.stringify({ step: 'menu' }));
    await job.promote();
    await eventually(() => expect(h.messagesTo(phone)).toHaveLength(1));
  });

  it("waits while one of the passenger's own messages is being handled", async () => {
    const { phone, userId, journey } = await h.passenger();
    // A turn of theirs holds the lane.
    await h.t.redis.set(h.t.deps.keys.senderLock(phone), 'a-turn', 'PX', 60_000);
    await h.publish('claim.paid', { journey_id: journey.id, user_id: userId, amount_pence: 100 });
    await eventually(async () => expect(await h.t.deps.queues[QUEUE.proactive].getDelayedCount()).toBe(1));
    expect(h.twilio.sent).toEqual([]);
    await h.t.redis.del(h.t.deps.keys.senderLock(phone));
    await eventually(() => expect(h.messagesTo(phone)).toHaveLength(1), { timeoutMs: 15_000 });
  });
});

describe('claim events at night', () => {
  // 22:30 in London (BST): quiet hours until 08:00 the next morning.
  const NIGHT = new Date('2026-07-14T21:30:00Z');
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ clock: { now: () => NIGHT } });
  });
  afterEach(() => h.stop());

  it('holds a claim update in quiet hours until 08:00 London time, unless the passenger turned them off', async () => {
    const quiet = await h.passenger({ preferences: {} });
    const night = await h.passenger({ preferences: { quiet_hours: false } });
    const held = await h.publish('claim.paid', {
      journey_id: quiet.journey.id,
      user_id: quiet.userId,
      amount_pence: 100,
    });
    await h.publish('claim.paid', { journey_id: night.journey.id, user_id: night.userId, amount_pence: 100 });
    await eventually(() => expect(h.messagesTo(night.phone)).toHaveLength(1));
    const { rows } = await h.t.deps.db.query<{ status: string; not_before: Date }>(
      `select status, not_before from whatsapp_handler.claim_notifications where event_id = $1`,
      [held],
    );
    expect(rows[0]).toEqual({ status: 'pending', not_before: new Date('2026-07-15T07:00:00Z') });
    const [job] = await h.t.deps.queues[QUEUE.proactive].getDelayed();
    expect(job!.opts.delay).toBe(new Date('2026-07-15T07:00:00Z').getTime() - NIGHT.getTime());
    expect(h.messagesTo(quiet.phone)).toEqual([]);
  });
});
