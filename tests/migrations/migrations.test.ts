// The seed's eleven migration cases (data-layer report, section 3.1), against real Postgres.
import { Client } from 'pg';
import { createEmptyDatabase } from '../support/database';
import { migrate } from '../support/migrate';

let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
let client: Client;

async function columns(table: string): Promise<Record<string, string>> {
  const { rows } = await client.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns
      where table_schema = 'whatsapp_handler' and table_name = $1 order by ordinal_position`,
    [table],
  );
  return Object.fromEntries(rows.map((row) => [row.column_name, row.data_type]));
}

async function objectNames(): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select indexname as name from pg_indexes where schemaname = 'whatsapp_handler'
     union select conname from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = 'whatsapp_handler'
     order by 1`,
  );
  return rows.map((row) => row.name);
}

async function insertUser(phone: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `insert into whatsapp_handler.users (id, phone_number) values (gen_random_uuid(), $1) returning id`,
    [phone],
  );
  return rows[0]!.id;
}

beforeAll(async () => {
  database = await createEmptyDatabase();
  migrate(database.url, 'up', '1'); // 001 alone: the seed's schema exactly
  client = new Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await database.drop();
});

describe('migration 001 (the seed schema v2.0)', () => {
  test('creates the whatsapp_handler schema', async () => {
    const { rowCount } = await client.query(`select 1 from pg_namespace where nspname = 'whatsapp_handler'`);
    expect(rowCount).toBe(1);
  });

  test('users has the five seed columns', async () => {
    expect(await columns('users')).toEqual({
      id: 'uuid',
      phone_number: 'character varying',
      verified_at: 'timestamp with time zone',
      created_at: 'timestamp with time zone',
      updated_at: 'timestamp with time zone',
    });
  });

  test('user_preferences is a key-value table with six columns', async () => {
    expect(await columns('user_preferences')).toEqual({
      id: 'uuid',
      user_id: 'uuid',
      preference_key: 'character varying',
      preference_value: 'text',
      created_at: 'timestamp with time zone',
      updated_at: 'timestamp with time zone',
    });
  });

  test('outbox_events has the seven seed columns', async () => {
    expect(await columns('outbox_events')).toEqual({
      id: 'uuid',
      aggregate_id: 'uuid',
      aggregate_type: 'character varying',
      event_type: 'character varying',
      payload: 'jsonb',
      published_at: 'timestamp with time zone',
      created_at: 'timestamp with time zone',
    });
  });

  test('every seed index and constraint exists by name', async () => {
    expect(await objectNames()).toEqual(
      expect.arrayContaining([
        'idx_users_phone',
        'idx_users_verified',
        'idx_user_preferences_user',
        'idx_outbox_events_published',
        'idx_outbox_events_created',
        'users_phone_number_unique',
        'user_preferences_user_key_unique',
        'outbox_events_aggregate_check',
      ]),
    );
    const { rows } = await client.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where indexname in ('idx_users_verified', 'idx_outbox_events_published') order by indexname`,
    );
    expect(rows[0]!.indexdef).toMatch(/WHERE \(published_at IS NULL\)/);
    expect(rows[1]!.indexdef).toMatch(/WHERE \(verified_at IS NOT NULL\)/);
  });

  test('a phone number can be registered only once', async () => {
    await insertUser('+447700900001');
    await expect(insertUser('+447700900001')).rejects.toMatchObject({
      code: '23505',
      constraint: 'users_phone_number_unique',
    });
  });

  test('a user has at most one value per preference key', async () => {
    const userId = await insertUser('+447700900002');
    const insert = `insert into whatsapp_handler.user_preferences (id, user_id, preference_key, preference_value)
                    values (gen_random_uuid(), $1, 'notifications', 'true')`;
    await client.query(insert, [userId]);
    await expect(client.query(insert, [userId])).rejects.toMatchObject({
      code: '23505',
      constraint: 'user_preferences_user_key_unique',
    });
  });

  test('deleting a user deletes their preferences', async () => {
    const userId = await insertUser('+447700900003');
    await client.query(
      `insert into whatsapp_handler.user_preferences (id, user_id, preference_key, preference_value)
       values (gen_random_uuid(), $1, 'home_station', 'KGX')`,
      [userId],
    );
    await client.query(`delete from whatsapp_handler.users where id = $1`, [userId]);
    const { rowCount } = await client.query(`select 1 from whatsapp_handler.user_preferences where user_id = $1`, [
      userId,
    ]);
    expect(rowCount).toBe(0);
  });

  test('aggregate_type accepts user, journey and claim only', async () => {
    const insert = `insert into whatsapp_handler.outbox_events (id, aggregate_id, aggregate_type, event_type, payload)
                    values (gen_random_uuid(), gen_random_uuid(), $1, 'x.happened', '{}')`;
    for (const type of ['user', 'journey', 'claim']) await client.query(insert, [type]);
    await expect(client.query(insert, ['ticket'])).rejects.toMatchObject({
      code: '23514',
      constraint: 'outbox_events_aggregate_check',
    });
  });

  test('the planner uses the partial index to find unpublished events', async () => {
    await client.query(
      `insert into whatsapp_handler.outbox_events (id, aggregate_id, aggregate_type, event_type, payload, published_at, created_at)
       select gen_random_uuid(), gen_random_uuid(), 'user', 'user.registered', '{}', now(), now() - (g || ' seconds')::interval
         from generate_series(1, 5000) g`,
    );
    await client.query(`analyze whatsapp_handler.outbox_events`);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `explain select id from whatsapp_handler.outbox_events where published_at is null order by created_at limit 10`,
    );
    expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('idx_outbox_events_published');
  });

  test('down removes every table and the schema, and up runs again cleanly', async () => {
    migrate(database.url, 'down', '1');
    const { rowCount } = await client.query(`select 1 from pg_namespace where nspname = 'whatsapp_handler'`);
    expect(rowCount).toBe(0);
    migrate(database.url, 'up', '1');
    expect(Object.keys(await columns('users'))).toHaveLength(5);
  });
});

describe('hardening migrations', () => {
  beforeAll(() => migrate(database.url, 'up'));

  test('a phone number that is not E.164 is refused by the database', async () => {
    for (const bad of ['447700900123', '+0447700900', '+44 7700 900123', '+1234567890123456']) {
      await expect(insertUser(bad)).rejects.toMatchObject({
        code: '23514',
        constraint: 'users_phone_number_e164_check',
      });
    }
    await expect(insertUser('+447700900124')).resolves.toEqual(expect.any(String));
  });

  test('preference values are JSONB', async () => {
    expect((await columns('user_preferences')).preference_value).toBe('jsonb');
  });

  test('outbox rows carry what publishing needs', async () => {
    expect(await columns('outbox_events')).toMatchObject({
      seq: 'bigint',
      correlation_id: 'character varying',
      attempts: 'integer',
      last_error: 'text',
      next_attempt_at: 'timestamp with time zone',
      parked_at: 'timestamp with time zone',
    });
  });

  test('all migrations go down and up again, leaving the same objects', async () => {
    const before = await objectNames();
    migrate(database.url, 'down', String(Number.MAX_SAFE_INTEGER));
    const { rowCount } = await client.query(`select 1 from pg_namespace where nspname = 'whatsapp_handler'`);
    expect(rowCount).toBe(0);
    migrate(database.url, 'up');
    expect(await objectNames()).toEqual(before);
  });
});
