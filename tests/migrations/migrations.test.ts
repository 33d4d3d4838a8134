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

describe('migration 006 (journeys and their ticket files)', () => {
  beforeAll(() => migrate(database.url, 'up'));

  let nextPhone = 0;
  const journey = {
    reference: 'RR-7K3F9Q',
    correlation_id: 'SM0001',
    origin_crs: 'KGX',
    destination_crs: 'EDB',
    journey_type: 'single',
  };

  async function insertJourney(userId: string, change: Partial<typeof journey> = {}): Promise<string> {
    const row = { ...journey, ...change };
    const { rows } = await client.query<{ id: string }>(
      `insert into whatsapp_handler.journeys
              (id, reference, user_id, correlation_id, origin_crs, destination_crs, travel_date,
               departure_datetime, arrival_datetime, journey_type)
       values (gen_random_uuid(), $1, $2, $3, $4, $5, '2026-07-14',
               '2026-07-14T08:05:00+01:00', '2026-07-14T12:29:00+01:00', $6)
       returning id`,
      [row.reference, userId, row.correlation_id, row.origin_crs, row.destination_crs, row.journey_type],
    );
    return rows[0]!.id;
  }

  async function insertFile(
    userId: string,
    change: { journeyId?: string | null; position?: number | null; contentType?: string; size?: number } = {},
  ): Promise<string> {
    const size = change.size ?? 3;
    const { rows } = await client.query<{ id: string }>(
      `insert into whatsapp_handler.journey_ticket_files
              (id, user_id, journey_id, position, content_type, byte_size, bytes)
       values (gen_random_uuid(), $1, $2, $3, $4, $5, '\\x010203')
       returning id`,
      [userId, change.journeyId ?? null, change.position ?? null, change.contentType ?? 'image/jpeg', size],
    );
    return rows[0]!.id;
  }

  test('journeys and journey_ticket_files have their columns', async () => {
    expect(await columns('journeys')).toEqual({
      id: 'uuid',
      reference: 'character varying',
      user_id: 'uuid',
      correlation_id: 'character varying',
      origin_crs: 'character',
      destination_crs: 'character',
      travel_date: 'date',
      departure_datetime: 'timestamp with time zone',
      arrival_datetime: 'timestamp with time zone',
      journey_type: 'character varying',
      status: 'character varying',
      created_at: 'timestamp with time zone',
      updated_at: 'timestamp with time zone',
      // Added by 007 (claim updates).
      amount_pence: 'integer',
      claim_reference: 'character varying',
    });
    expect(await columns('journey_ticket_files')).toEqual({
      id: 'uuid',
      user_id: 'uuid',
      journey_id: 'uuid',
      position: 'integer',
      content_type: 'character varying',
      byte_size: 'integer',
      bytes: 'bytea',
      twilio_media_sid: 'character varying',
      created_at: 'timestamp with time zone',
    });
  });

  test('every index and constraint exists by name', async () => {
    expect(await objectNames()).toEqual(
      expect.arrayContaining([
        'journeys_pkey',
        'journeys_reference_unique',
        'journeys_reference_check',
        'journeys_user_correlation_unique',
        'journeys_origin_crs_check',
        'journeys_destination_crs_check',
        'journeys_distinct_stations_check',
        'journeys_journey_type_check',
        'journeys_status_check',
        'idx_journeys_user_created',
        'journey_ticket_files_pkey',
        'journey_ticket_files_content_type_check',
        'journey_ticket_files_byte_size_check',
        'journey_ticket_files_position_check',
        'journey_ticket_files_journey_position_unique',
        'idx_journey_ticket_files_user',
        'idx_journey_ticket_files_unattached',
      ]),
    );
    const { rows } = await client.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes
        where indexname in ('idx_journeys_user_created', 'idx_journey_ticket_files_unattached')
        order by indexname`,
    );
    expect(rows[0]!.indexdef).toMatch(/\(created_at\) WHERE \(journey_id IS NULL\)/);
    expect(rows[1]!.indexdef).toMatch(/\(user_id, created_at DESC\)/);
  });

  test('a journey starts as received, and one correlation id of a user makes one journey', async () => {
    const userId = await insertUser('+447700900601');
    const id = await insertJourney(userId);

    const { rows } = await client.query(`select status from whatsapp_handler.journeys where id = $1`, [id]);
    expect(rows[0]).toEqual({ status: 'received' });
    await expect(insertJourney(userId, { reference: 'RR-000000' })).rejects.toMatchObject({
      code: '23505',
      constraint: 'journeys_user_correlation_unique',
    });
    await expect(insertJourney(userId, { correlation_id: 'SM0002' })).rejects.toMatchObject({
      code: '23505',
      constraint: 'journeys_reference_unique',
    });
  });

  test.each([
    ['a reference with a letter Crockford leaves out', { reference: 'RR-7K3F9U' }, 'journeys_reference_check'],
    ['a reference without RR-', { reference: 'XX-7K3F9Q' }, 'journeys_reference_check'],
    ['a lower-case origin', { origin_crs: 'kgx' }, 'journeys_origin_crs_check'],
    ['a destination with a digit', { destination_crs: 'ED1' }, 'journeys_destination_crs_check'],
    ['the same origin and destination', { destination_crs: 'KGX' }, 'journeys_distinct_stations_check'],
    ['a journey type other than single or return', { journey_type: 'season' }, 'journeys_journey_type_check'],
  ])('a journey with %s is refused', async (_what, change, constraint) => {
    const userId = await insertUser(`+4477009007${String(nextPhone++).padStart(2, '0')}`);
    await expect(
      insertJourney(userId, { reference: 'RR-ABCDEF', correlation_id: 'SM-check', ...change }),
    ).rejects.toMatchObject({ code: '23514', constraint });
  });

  test('a status outside the claim lifecycle is refused', async () => {
    const userId = await insertUser('+447700900602');
    const id = await insertJourney(userId, { reference: 'RR-STATES' });
    await client.query(`update whatsapp_handler.journeys set status = 'paid' where id = $1`, [id]);
    await expect(
      client.query(`update whatsapp_handler.journeys set status = 'lost' where id = $1`, [id]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'journeys_status_check' });
  });

  test('ticket files take the four accepted types up to 10 MB, staged without a position or attached with one', async () => {
    const userId = await insertUser('+447700900603');
    const journeyId = await insertJourney(userId, { reference: 'RR-F1ES00' });

    for (const contentType of ['image/jpeg', 'image/png', 'image/webp', 'application/pdf']) {
      await insertFile(userId, { contentType });
    }
    await insertFile(userId, { journeyId, position: 1, size: 10 * 1024 * 1024 });
    await expect(insertFile(userId, { contentType: 'image/gif' })).rejects.toMatchObject({
      code: '23514',
      constraint: 'journey_ticket_files_content_type_check',
    });
    await expect(insertFile(userId, { size: 10 * 1024 * 1024 + 1 })).rejects.toMatchObject({
      code: '23514',
      constraint: 'journey_ticket_files_byte_size_check',
    });
    await expect(insertFile(userId, { position: 1 })).rejects.toMatchObject({
      code: '23514',
      constraint: 'journey_ticket_files_position_check',
    });
    await expect(insertFile(userId, { journeyId })).rejects.toMatchObject({
      code: '23514',
      constraint: 'journey_ticket_files_position_check',
    });
    await expect(insertFile(userId, { journeyId, position: 0 })).rejects.toMatchObject({
      code: '23514',
      constraint: 'journey_ticket_files_position_check',
    });
    await expect(insertFile(userId, { journeyId, position: 1 })).rejects.toMatchObject({
      code: '23505',
      constraint: 'journey_ticket_files_journey_position_unique',
    });
  });

  test('deleting a journey deletes its files; deleting a user deletes their journeys and every file', async () => {
    const userId = await insertUser('+447700900604');
    const kept = await insertJourney(userId, { reference: 'RR-KEPT00', correlation_id: 'SM-kept' });
    const dropped = await insertJourney(userId, { reference: 'RR-DR0PED' });
    await insertFile(userId, { journeyId: kept, position: 1 });
    await insertFile(userId, { journeyId: dropped, position: 1 });
    await insertFile(userId);
    const count = async (sql: string) => Number((await client.query(sql, [userId])).rows[0].n);
    const files = `select count(*) as n from whatsapp_handler.journey_ticket_files where user_id = $1`;
    const journeys = `select count(*) as n from whatsapp_handler.journeys where user_id = $1`;

    await client.query(`delete from whatsapp_handler.journeys where id = $1`, [dropped]);
    expect(await count(files)).toBe(2);

    await client.query(`delete from whatsapp_handler.users where id = $1`, [userId]);
    expect(await count(journeys)).toBe(0);
    expect(await count(files)).toBe(0);
  });

  test('down removes both tables and up brings back the same objects', async () => {
    const before = await objectNames();
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from public.pgmigrations where name >= '006'`,
    );
    migrate(database.url, 'down', rows[0]!.n);
    const { rowCount } = await client.query(
      `select 1 from information_schema.tables
        where table_schema = 'whatsapp_handler' and table_name in ('journeys', 'journey_ticket_files')`,
    );
    expect(rowCount).toBe(0);
    expect(await columns('users')).toHaveProperty('phone_number');
    migrate(database.url, 'up');
    expect(await objectNames()).toEqual(before);
  });
});

describe('migration 007 (claim updates)', () => {
  beforeAll(() => migrate(database.url, 'up'));

  test('adds the history, handled and kept events, notifications and the unreachable mark', async () => {
    expect(Object.keys(await columns('journey_status_history'))).toEqual([
      'id',
      'journey_id',
      'status',
      'previous_status',
      'event_id',
      'event_type',
      'occurred_at',
      'recorded_at',
    ]);
    expect(Object.keys(await columns('inbound_events'))).toEqual(['event_id', 'event_type', 'outcome', 'handled_at']);
    expect(await columns('inbound_events_kept')).toHaveProperty('raw', 'text');
    expect(await columns('claim_notifications')).toHaveProperty('content', 'jsonb');
    expect(await columns('users')).toHaveProperty('proactive_unreachable_since', 'timestamp with time zone');
    expect(await objectNames()).toEqual(
      expect.arrayContaining([
        'claim_notifications_event_unique',
        'claim_notifications_skip_reason_check',
        'idx_claim_notifications_pending',
        'idx_claim_notifications_message_sid',
        'idx_journey_status_history_journey',
        'idx_inbound_events_handled_at',
        'idx_inbound_events_kept_open',
        'journeys_amount_pence_check',
      ]),
    );
  });

  test('an event id is handled once, and a skipped notification must say why', async () => {
    await client.query(
      `insert into whatsapp_handler.inbound_events (event_id, event_type, outcome) values ('e-1', 'claim.paid', 'applied')`,
    );
    await expect(
      client.query(
        `insert into whatsapp_handler.inbound_events (event_id, event_type, outcome) values ('e-1', 'claim.paid', 'applied')`,
      ),
    ).rejects.toThrow(/inbound_events_pkey/);
    const userId = await insertUser('+447700900707');
    const { rows } = await client.query<{ id: string }>(
      `insert into whatsapp_handler.journeys
              (id, reference, user_id, correlation_id, origin_crs, destination_crs, travel_date,
               departure_datetime, arrival_datetime, journey_type)
       values (gen_random_uuid(), 'RR-7K3F9R', $1, 'SM0707', 'KGX', 'EDB', '2026-07-14',
               '2026-07-14T08:05:00+01:00', '2026-07-14T12:29:00+01:00', 'single')
       returning id`,
      [userId],
    );
    await expect(
      client.query(
        `insert into whatsapp_handler.claim_notifications (id, event_id, user_id, journey_id, event_type, content, status, not_before)
         values (gen_random_uuid(), 'e-1', $1, $2, 'claim.paid', '{}', 'skipped', now())`,
        [userId, rows[0]!.id],
      ),
    ).rejects.toThrow(/claim_notifications_skip_reason_check/);
  });

  test('down removes what it added and up brings back the same objects', async () => {
    const before = await objectNames();
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from public.pgmigrations where name >= '007'`,
    );
    migrate(database.url, 'down', rows[0]!.n);
    expect(await columns('journeys')).not.toHaveProperty('amount_pence');
    expect(await columns('claim_notifications')).toEqual({});
    migrate(database.url, 'up');
    expect(await objectNames()).toEqual(before);
  });
});

describe('migration 008 (unverified users index)', () => {
  beforeAll(() => migrate(database.url, 'up'));

  test('the unverified-user purge reads a partial index of unverified users by age', async () => {
    const { rows } = await client.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where schemaname = 'whatsapp_handler' and indexname = 'idx_users_unverified_created'`,
    );
    expect(rows.map((row) => row.indexdef)).toEqual([
      expect.stringMatching(/\(created_at\) WHERE \(verified_at IS NULL\)$/),
    ]);
  });

  test('down drops the index and up brings it back', async () => {
    const before = await objectNames();
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from public.pgmigrations where name >= '008'`,
    );
    migrate(database.url, 'down', rows[0]!.n);
    expect(await objectNames()).not.toContain('idx_users_unverified_created');
    migrate(database.url, 'up');
    expect(await objectNames()).toEqual(before);
  });
});
