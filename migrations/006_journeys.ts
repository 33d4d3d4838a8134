// Journeys (flow 6) and their ticket files.
// - journeys: one row per reported delayed journey. unique (user_id, correlation_id): the
//   correlation id is the MessageSid of the passenger's YES, so a redelivered or retried YES
//   finds the journey the first one created instead of making a second.
// - journey_ticket_files: the photos and PDFs the passenger sent. A file is stored while the
//   report is still being written (journey_id and position null) and attached when the journey
//   is submitted; files never attached are purged by the retention job.
// Both cascade from users, so DELETE MY DATA removes them with the user.
import type { MigrationBuilder } from 'node-pg-migrate' with { 'resolution-mode': 'import' };

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    create table whatsapp_handler.journeys (
      id uuid primary key,
      reference varchar(9) not null,
      user_id uuid not null references whatsapp_handler.users (id) on delete cascade,
      correlation_id varchar(64) not null,
      origin_crs char(3) not null,
      destination_crs char(3) not null,
      travel_date date not null,
      departure_datetime timestamptz not null,
      arrival_datetime timestamptz not null,
      journey_type varchar(10) not null,
      status varchar(20) not null default 'received',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint journeys_reference_unique unique (reference),
      -- RR- and six characters of Crockford's base32 (no I, L, O or U: nothing to misread).
      constraint journeys_reference_check check (reference ~ '^RR-[0-9A-HJKMNP-TV-Z]{6}$'),
      constraint journeys_user_correlation_unique unique (user_id, correlation_id),
      constraint journeys_origin_crs_check check (origin_crs ~ '^[A-Z]{3}$'),
      constraint journeys_destination_crs_check check (destination_crs ~ '^[A-Z]{3}$'),
      constraint journeys_distinct_stations_check check (origin_crs <> destination_crs),
      constraint journeys_journey_type_check check (journey_type in ('single', 'return')),
      -- received until the claim services report on it (PRODUCT.md, "Claim updates").
      constraint journeys_status_check
        check (status in ('received', 'eligible', 'not_eligible', 'submitted', 'paid', 'rejected'))
    )`);
  // STATUS and the internal API list a user's journeys newest first; also serves the cascade.
  pgm.sql(`create index idx_journeys_user_created on whatsapp_handler.journeys (user_id, created_at desc)`);

  pgm.sql(`
    create table whatsapp_handler.journey_ticket_files (
      id uuid primary key,
      user_id uuid not null references whatsapp_handler.users (id) on delete cascade,
      journey_id uuid references whatsapp_handler.journeys (id) on delete cascade,
      position integer,
      content_type varchar(50) not null,
      byte_size integer not null,
      bytes bytea not null,
      twilio_media_sid varchar(64),
      created_at timestamptz not null default now(),
      constraint journey_ticket_files_content_type_check
        check (content_type in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
      -- 10 MB, the limit the passenger is told.
      constraint journey_ticket_files_byte_size_check check (byte_size between 1 and 10485760),
      -- A staged file has neither; an attached one has both, numbered from 1.
      constraint journey_ticket_files_position_check
        check ((journey_id is null and position is null)
            or (journey_id is not null and position is not null and position >= 1)),
      constraint journey_ticket_files_journey_position_unique unique (journey_id, position)
    )`);
  // The unique constraint's index serves ticket lookups by (journey_id, position) and the cascade
  // from journeys; this one serves the cascade from users.
  pgm.sql(`create index idx_journey_ticket_files_user on whatsapp_handler.journey_ticket_files (user_id)`);
  // The stale-upload purge reads only files never attached, oldest first.
  pgm.sql(`
    create index idx_journey_ticket_files_unattached
      on whatsapp_handler.journey_ticket_files (created_at)
      where journey_id is null`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`drop table whatsapp_handler.journey_ticket_files`);
  pgm.sql(`drop table whatsapp_handler.journeys`);
}
