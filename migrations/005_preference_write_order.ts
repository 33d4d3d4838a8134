// Preference writes for one user apply in the order they were accepted, whatever order the
// workers run them in: each write carries a number from one sequence, taken when it is accepted
// (the internal API's PUT, or the chat's turn), and a row only takes a write newer than its own.
import type { MigrationBuilder } from 'node-pg-migrate' with { 'resolution-mode': 'import' };

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`create sequence whatsapp_handler.preference_write_seq as bigint`);
  pgm.sql(`alter table whatsapp_handler.user_preferences add column accepted_seq bigint not null default 0`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`alter table whatsapp_handler.user_preferences drop column accepted_seq`);
  pgm.sql(`drop sequence whatsapp_handler.preference_write_seq`);
}
