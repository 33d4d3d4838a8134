// Numbers that never finished verification are deleted after UNVERIFIED_RETENTION_DAYS
// (src/users/unverified-retention.ts): each run looks for unverified users, oldest first. This
// partial index holds only those rows, so a run reads a few pages however many users verified.
import type { MigrationBuilder } from 'node-pg-migrate' with { 'resolution-mode': 'import' };

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`create index idx_users_unverified_created on whatsapp_handler.users (created_at) where verified_at is null`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`drop index whatsapp_handler.idx_users_unverified_created`);
}
