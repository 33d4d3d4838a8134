// Claim updates (PRODUCT.md, "Claim updates and proactive messages").
// - journeys gain the latest amount (the compensation offered, then the amount paid) and the
//   operator's claim reference.
// - journey_status_history: every status a journey took, with the event that set it.
// - inbound_events: the id of every claim event handled, written in the same transaction as its
//   effect, so an event redelivered by the stream or re-posted takes effect once.
// - inbound_events_kept: events that could not be handled (malformed, unknown journey), kept
//   with the reason for an operator to fix and replay.
// - claim_notifications: the one message each event owes the passenger: pending until sent in the
//   passenger's turn, or skipped with the reason.
// - users.proactive_unreachable_since: WhatsApp said the number cannot receive our messages
//   (63024, 63032, ...); no proactive message until the passenger writes again.
import type { MigrationBuilder } from 'node-pg-migrate' with { 'resolution-mode': 'import' };

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    alter table whatsapp_handler.journeys
      add column amount_pence integer,
      add column claim_reference varchar(100),
      add constraint journeys_amount_pence_check check (amount_pence >= 0)`);

  pgm.sql(`
    create table whatsapp_handler.journey_status_history (
      id bigint generated always as identity primary key,
      journey_id uuid not null references whatsapp_handler.journeys (id) on delete cascade,
      status varchar(20) not null,
      previous_status varchar(20) not null,
      event_id varchar(128) not null,
      event_type varchar(100) not null,
      occurred_at timestamptz not null,
      recorded_at timestamptz not null default now(),
      constraint journey_status_history_status_check
        check (status in ('received', 'eligible', 'not_eligible', 'submitted', 'paid', 'rejected'))
    )`);
  pgm.sql(
    `create index idx_journey_status_history_journey on whatsapp_handler.journey_status_history (journey_id, id)`,
  );

  pgm.sql(`
    create table whatsapp_handler.inbound_events (
      event_id varchar(128) primary key,
      event_type varchar(100) not null,
      -- applied, stale, unknown-type or user-deleted
      outcome varchar(20) not null,
      handled_at timestamptz not null default now()
    )`);
  // Retention deletes the oldest by age.
  pgm.sql(`create index idx_inbound_events_handled_at on whatsapp_handler.inbound_events (handled_at)`);

  pgm.sql(`
    create table whatsapp_handler.inbound_events_kept (
      id uuid primary key,
      source varchar(10) not null,
      stream_entry_id varchar(64),
      event_id varchar(128),
      event_type varchar(100),
      reason varchar(500) not null,
      -- The envelope as received, cut at 64 KiB (anything longer was refused for its size).
      raw text not null,
      kept_at timestamptz not null default now(),
      replayed_at timestamptz,
      constraint inbound_events_kept_source_check check (source in ('stream', 'http', 'replay'))
    )`);
  pgm.sql(
    `create index idx_inbound_events_kept_open on whatsapp_handler.inbound_events_kept (kept_at) where replayed_at is null`,
  );

  pgm.sql(`
    create table whatsapp_handler.claim_notifications (
      id uuid primary key,
      event_id varchar(128) not null,
      user_id uuid not null references whatsapp_handler.users (id) on delete cascade,
      journey_id uuid not null references whatsapp_handler.journeys (id) on delete cascade,
      event_type varchar(100) not null,
      -- What the message says: reference, status and amount, never the phone number.
      content jsonb not null,
      status varchar(10) not null default 'pending',
      skip_reason varchar(30),
      -- Quiet hours: not sent before this instant.
      not_before timestamptz not null,
      -- Twilio refused the free-form text outside the 24-hour window (63016): template only.
      template_only boolean not null default false,
      message_sid varchar(34),
      sent_as varchar(10),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint claim_notifications_event_unique unique (event_id),
      constraint claim_notifications_status_check check (status in ('pending', 'sent', 'skipped')),
      constraint claim_notifications_skip_reason_check check ((status = 'skipped') = (skip_reason is not null)),
      constraint claim_notifications_sent_as_check check (sent_as in ('text', 'template'))
    )`);
  // The delivery job reads a user's pending notifications, oldest first.
  pgm.sql(`
    create index idx_claim_notifications_pending
      on whatsapp_handler.claim_notifications (user_id, created_at)
      where status = 'pending'`);
  // A failed delivery callback finds its notification by Message SID.
  pgm.sql(`
    create index idx_claim_notifications_message_sid
      on whatsapp_handler.claim_notifications (message_sid)
      where message_sid is not null`);
  pgm.sql(`create index idx_claim_notifications_journey on whatsapp_handler.claim_notifications (journey_id)`);

  pgm.sql(`alter table whatsapp_handler.users add column proactive_unreachable_since timestamptz`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`alter table whatsapp_handler.users drop column proactive_unreachable_since`);
  pgm.sql(`drop table whatsapp_handler.claim_notifications`);
  pgm.sql(`drop table whatsapp_handler.inbound_events_kept`);
  pgm.sql(`drop table whatsapp_handler.inbound_events`);
  pgm.sql(`drop table whatsapp_handler.journey_status_history`);
  pgm.sql(`
    alter table whatsapp_handler.journeys
      drop constraint journeys_amount_pence_check,
      drop column claim_reference,
      drop column amount_pence`);
}
