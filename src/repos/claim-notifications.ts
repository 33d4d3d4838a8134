// whatsapp_handler.claim_notifications: the one message each claim event owes its passenger.
// Pending until the delivery job sends it in the passenger's turn; sent with its Message SID; or
// skipped with the reason (opted-out, notifications-off, not-verified, unreachable, no-template,
// stale).
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';
import type { ClaimUpdate } from '../conversation/claim-status';

export type SkipReason =
  'opted-out' | 'notifications-off' | 'not-verified' | 'unreachable' | 'no-template' | 'stale' | 'user-deleted';

export type ClaimNotification = {
  id: string;
  eventId: string;
  userId: string;
  journeyId: string;
  eventType: string;
  content: ClaimUpdate;
  status: 'pending' | 'sent' | 'skipped';
  skipReason: SkipReason | null;
  notBefore: Date;
  templateOnly: boolean;
  messageSid: string | null;
  sentAs: 'text' | 'template' | null;
};

type Row = {
  id: string;
  event_id: string;
  user_id: string;
  journey_id: string;
  event_type: string;
  content: ClaimUpdate;
  status: ClaimNotification['status'];
  skip_reason: SkipReason | null;
  not_before: Date;
  template_only: boolean;
  message_sid: string | null;
  sent_as: ClaimNotification['sentAs'];
};

const COLUMNS =
  'id, event_id, user_id, journey_id, event_type, content, status, skip_reason, not_before, template_only, message_sid, sent_as';

const toNotification = (row: Row): ClaimNotification => ({
  id: row.id,
  eventId: row.event_id,
  userId: row.user_id,
  journeyId: row.journey_id,
  eventType: row.event_type,
  content: row.content,
  status: row.status,
  skipReason: row.skip_reason,
  notBefore: row.not_before,
  templateOnly: row.template_only,
  messageSid: row.message_sid,
  sentAs: row.sent_as,
});

export async function insertClaimNotification(
  db: Queryable,
  input: {
    eventId: string;
    userId: string;
    journeyId: string;
    eventType: string;
    content: ClaimUpdate;
    notBefore: Date;
    skipReason?: SkipReason;
  },
): Promise<ClaimNotification> {
  const { rows } = await db.query<Row>(
    `insert into whatsapp_handler.claim_notifications
       (id, event_id, user_id, journey_id, event_type, content, status, skip_reason, not_before)
     values ($1::uuid, $2::varchar, $3::uuid, $4::uuid, $5::varchar, $6::jsonb, $7::varchar, $8::varchar, $9::timestamptz)
     returning ${COLUMNS}`,
    [
      randomUUID(),
      input.eventId,
      input.userId,
      input.journeyId,
      input.eventType,
      JSON.stringify(input.content),
      input.skipReason === undefined ? 'pending' : 'skipped',
      input.skipReason ?? null,
      input.notBefore,
    ],
  );
  return toNotification(rows[0]!);
}

export async function findNotificationByEvent(db: Queryable, eventId: string): Promise<ClaimNotification | undefined> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from whatsapp_handler.claim_notifications where event_id = $1::varchar`,
    [eventId],
  );
  return rows[0] && toNotification(rows[0]);
}

export async function findNotification(db: Queryable, id: string): Promise<ClaimNotification | undefined> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from whatsapp_handler.claim_notifications where id = $1::uuid`,
    [id],
  );
  return rows[0] && toNotification(rows[0]);
}

/** A user's pending notifications due by `now` (the worker's clock, which also set not_before), oldest first. */
export async function listDueNotifications(db: Queryable, userId: string, now: Date): Promise<ClaimNotification[]> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from whatsapp_handler.claim_notifications
      where user_id = $1::uuid and status = 'pending' and not_before <= $2::timestamptz
      order by created_at, id`,
    [userId, now],
  );
  return rows.map(toNotification);
}

export async function markNotificationSent(
  db: Queryable,
  id: string,
  sent: { messageSid: string; sentAs: 'text' | 'template' },
): Promise<void> {
  await db.query(
    `update whatsapp_handler.claim_notifications
        set status = 'sent', message_sid = $2::varchar, sent_as = $3::varchar, updated_at = now()
      where id = $1::uuid`,
    [id, sent.messageSid, sent.sentAs],
  );
}

export async function markNotificationSkipped(db: Queryable, id: string, reason: SkipReason): Promise<void> {
  await db.query(
    `update whatsapp_handler.claim_notifications
        set status = 'skipped', skip_reason = $2::varchar, updated_at = now()
      where id = $1::uuid and status = 'pending'`,
    [id, reason],
  );
}

/**
 * Twilio failed this free-form text with 63016 (outside the 24-hour window): pending again, as the
 * template. Once only: a notification already template-only is left as it is. Returns the
 * notification to deliver again, or undefined.
 */
export async function reopenAsTemplate(db: Queryable, messageSid: string): Promise<ClaimNotification | undefined> {
  const { rows } = await db.query<Row>(
    `update whatsapp_handler.claim_notifications
        set status = 'pending', template_only = true, message_sid = null, sent_as = null, updated_at = now()
      where message_sid = $1::varchar and sent_as = 'text' and not template_only
      returning ${COLUMNS}`,
    [messageSid],
  );
  return rows[0] && toNotification(rows[0]);
}

/** A user's newest `limit` notifications, newest first, with when each was created and last changed (for operators). */
export async function listNotificationsOfUser(
  db: Queryable,
  userId: string,
  limit: number,
): Promise<Array<ClaimNotification & { createdAt: Date; updatedAt: Date }>> {
  const { rows } = await db.query<Row & { created_at: Date; updated_at: Date }>(
    `select ${COLUMNS}, created_at, updated_at from whatsapp_handler.claim_notifications
      where user_id = $1::uuid
      order by created_at desc, id desc
      limit $2::int`,
    [userId, limit],
  );
  return rows.map((row) => ({ ...toNotification(row), createdAt: row.created_at, updatedAt: row.updated_at }));
}
