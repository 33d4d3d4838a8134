// Schema v2.0 exactly as the data-layer design describes it. Hardening comes in later migrations:
// this file has shipped and is never edited.
import type { MigrationBuilder } from 'node-pg-migrate' with { 'resolution-mode': 'import' };

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createSchema('whatsapp_handler', { ifNotExists: true });

  pgm.createTable(
    { schema: 'whatsapp_handler', name: 'users' },
    {
      id: { type: 'uuid', primaryKey: true },
      phone_number: { type: 'varchar(20)', notNull: true },
      verified_at: { type: 'timestamptz' },
      created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
      updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    },
    { ifNotExists: true },
  );
  pgm.sql(`
    do $$ begin
      alter table whatsapp_handler.users
        add constraint users_phone_number_unique unique (phone_number);
    exception when duplicate_table or duplicate_object then null;
    end $$`);
  pgm.createIndex({ schema: 'whatsapp_handler', name: 'users' }, 'phone_number', {
    name: 'idx_users_phone',
    ifNotExists: true,
  });
  pgm.createIndex({ schema: 'whatsapp_handler', name: 'users' }, 'verified_at', {
    name: 'idx_users_verified',
    where: 'verified_at is not null',
    ifNotExists: true,
  });

  pgm.createTable(
    { schema: 'whatsapp_handler', name: 'user_preferences' },
    {
      id: { type: 'uuid', primaryKey: true },
      user_id: {
        type: 'uuid',
        notNull: true,
        references: { schema: 'whatsapp_handler', name: 'users' },
        onDelete: 'CASCADE',
      },
      preference_key: { type: 'varchar(100)', notNull: true },
      preference_value: { type: 'text' },
      created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
      updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    },
    { ifNotExists: true },
  );
  pgm.sql(`
    do $$ begin
      alter table whatsapp_handler.user_preferences
        add constraint user_preferences_user_key_unique unique (user_id, preference_key);
    exception when duplicate_table or duplicate_object then null;
    end $$`);
  pgm.createIndex({ schema: 'whatsapp_handler', name: 'user_preferences' }, 'user_id', {
    name: 'idx_user_preferences_user',
    ifNotExists: true,
  });

  pgm.createTable(
    { schema: 'whatsapp_handler', name: 'outbox_events' },
    {
      id: { type: 'uuid', primaryKey: true },
      aggregate_id: { type: 'uuid', notNull: true },
      aggregate_type: { type: 'varchar(100)', notNull: true },
      event_type: { type: 'varchar(100)', notNull: true },
      payload: { type: 'jsonb', notNull: true },
      published_at: { type: 'timestamptz' },
      created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    },
    { ifNotExists: true },
  );
  pgm.sql(`
    do $$ begin
      alter table whatsapp_handler.outbox_events
        add constraint outbox_events_aggregate_check
        check (aggregate_type in ('user', 'journey', 'claim'));
    exception when duplicate_object then null;
    end $$`);
  pgm.createIndex({ schema: 'whatsapp_handler', name: 'outbox_events' }, 'created_at', {
    name: 'idx_outbox_events_published',
    where: 'published_at is null',
    ifNotExists: true,
  });
  pgm.createIndex({ schema: 'whatsapp_handler', name: 'outbox_events' }, 'created_at', {
    name: 'idx_outbox_events_created',
    ifNotExists: true,
  });
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.dropTable({ schema: 'whatsapp_handler', name: 'outbox_events' }, { ifExists: true });
  pgm.dropTable({ schema: 'whatsapp_handler', name: 'user_preferences' }, { ifExists: true });
  pgm.dropTable({ schema: 'whatsapp_handler', name: 'users' }, { ifExists: true });
  pgm.dropSchema('whatsapp_handler', { ifExists: true });
}
