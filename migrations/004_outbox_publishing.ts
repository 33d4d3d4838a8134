// What reliable, ordered publishing needs on top of the seed's outbox table:
// - seq: a strict order of insertion (created_at ties within one transaction);
// - correlation_id: the inbound MessageSid that caused the event (FUTURE-WHATSAPP-001);
// - attempts, last_error, next_attempt_at: retries with backoff;
// - parked_at: an event that kept failing waits for an operator instead of retrying forever.
import type { MigrationBuilder } from 'node-pg-migrate' with { 'resolution-mode': 'import' };

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    alter table whatsapp_handler.outbox_events
      add column seq bigint generated always as identity,
      add column correlation_id varchar(64),
      add column attempts integer not null default 0,
      add column last_error text,
      add column next_attempt_at timestamptz not null default now(),
      add column parked_at timestamptz`);
  pgm.sql(`alter table whatsapp_handler.outbox_events add constraint outbox_events_seq_unique unique (seq)`);
  // The relay asks "is there an earlier unpublished event of this aggregate?" for every candidate.
  pgm.sql(`
    create index idx_outbox_events_unpublished_aggregate
      on whatsapp_handler.outbox_events (aggregate_id, seq)
      where published_at is null`);
  // The relay claims the oldest pending events first.
  pgm.sql(`
    create index idx_outbox_events_pending_seq
      on whatsapp_handler.outbox_events (seq)
      where published_at is null and parked_at is null`);
  // Retention deletes published rows by age; this keeps it from reading unpublished ones.
  pgm.sql(`
    create index idx_outbox_events_published_at
      on whatsapp_handler.outbox_events (published_at)
      where published_at is not null`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`drop index whatsapp_handler.idx_outbox_events_published_at`);
  pgm.sql(`drop index whatsapp_handler.idx_outbox_events_pending_seq`);
  pgm.sql(`drop index whatsapp_handler.idx_outbox_events_unpublished_aggregate`);
  pgm.sql(`
    alter table whatsapp_handler.outbox_events
      drop constraint outbox_events_seq_unique,
      drop column parked_at,
      drop column next_attempt_at,
      drop column last_error,
      drop column attempts,
      drop column correlation_id,
      drop column seq`);
}
