// Pays off TD-WHATSAPP-V2-001: the database, not only the application, refuses a phone number
// that is not E.164. Named so a violation is recognisable in logs and repository errors.
import type { MigrationBuilder } from 'node-pg-migrate' with { 'resolution-mode': 'import' };

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    alter table whatsapp_handler.users
      add constraint users_phone_number_e164_check
      check (phone_number ~ '^\\+[1-9][0-9]{1,14}$')`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`alter table whatsapp_handler.users drop constraint users_phone_number_e164_check`);
}
