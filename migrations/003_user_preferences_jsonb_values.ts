// Pays off TD-WHATSAPP-V2-002: preference values become JSONB so a boolean stays a boolean.
// Each key's shape is checked by its zod schema in src/preferences/registry.ts; the database
// keeps only the guarantee that a value is present and is JSON.
import type { MigrationBuilder } from 'node-pg-migrate' with { 'resolution-mode': 'import' };

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    alter table whatsapp_handler.user_preferences
      alter column preference_value type jsonb using to_jsonb(preference_value)`);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  // A JSON string goes back to its text; any other JSON value keeps its JSON text form.
  pgm.sql(`
    alter table whatsapp_handler.user_preferences
      alter column preference_value type text
      using case jsonb_typeof(preference_value)
              when 'string' then preference_value #>> '{}'
              else preference_value::text
            end`);
}
