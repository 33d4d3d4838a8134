// `npm run bench:outbox`: outbox relay throughput and retention purge cost, on a database and a
// Redis prefix of its own (both removed at the end). Uses the compiled code in dist/.
//
//  1. relay: a backlog of 100k events (20k aggregates x 5) published to a Redis Stream by two
//     relays side by side (as two worker processes would); events/s from the first claim to the
//     last mark, then every aggregate's order checked on the stream. The same backlog is then
//     drained by a naive relay (oldest 500 with SKIP LOCKED, XADD, mark; no per-aggregate order,
//     no failure bookkeeping): the ratio is what ordering and retries cost. A second, smaller backlog
//     concentrated on 100 "hot" aggregates shows the cost of claiming only aggregate heads.
//  2. retention: 1M published events past retention purged by runRetention (paced batches, runs
//     of one time budget each, as the retention job does) while inserts continue; insert p99 with
//     and without the purge running, their ratio (target: under 2x) and how long the purge took.
//
// Sizes can be lowered for a quick look: BENCH_EVENTS, BENCH_PURGE_ROWS; batch sizes: BENCH_BATCH_SIZE,
// BENCH_PURGE_BATCH_SIZE; the purge's least pause between batches: BENCH_PURGE_PAUSE_MS (the
// purge's defaults, from src/outbox/retention.ts, when unset).
const { randomBytes } = require('node:crypto');
const { Redis } = require('ioredis');
const { makePool } = require('../dist/db/pool');
const { createMigratedDatabase, deletePrefix, dropDatabase } = require('./support');
const { makeLogger } = require('../dist/logger');
const { appendEvent, markPublished } = require('../dist/repos/outbox');
const { runRelay } = require('../dist/outbox/relay');
const { runRetention, DEFAULT_PURGE_BATCH_SIZE, DEFAULT_PURGE_PAUSE_MS } = require('../dist/outbox/retention');
const { makeRedisStreamTransport } = require('../dist/outbox/redis-stream-transport');
const { toEnvelope } = require('../dist/outbox/envelope');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const EVENTS_PER_AGGREGATE = 5;
const HOT_EVENTS = Math.min(EVENTS, 10_000);
const HOT_AGGREGATES = 100;
const PURGE_ROWS = Number(process.env.BENCH_PURGE_ROWS ?? 1_000_000);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 500);
const PURGE_BATCH_SIZE = Number(process.env.BENCH_PURGE_BATCH_SIZE ?? DEFAULT_PURGE_BATCH_SIZE);
const PURGE_PAUSE_MS = Number(process.env.BENCH_PURGE_PAUSE_MS ?? DEFAULT_PURGE_PAUSE_MS);
// What the retention purge may cost concurrent inserts: their p99 during it over their p99 without.
const TARGET_P99_RATIO = 2;
const RELAYS = 2;
// The insert-latency baseline (no purge) runs this long, after a warm-up whose latencies are
// dropped: the first inserts after loading 1M rows read cold index pages and would inflate the
// baseline (and flatter the ratio).
const INSERT_WARM_UP_MS = 2_000;
const INSERT_WINDOW_MS = 8_000;
// The whole run is abandoned (and cleaned up) after this.
const DEADLINE_MS = 10 * 60_000;

const suffix = randomBytes(4).toString('hex');
const dbName = `wh_bench_outbox_${suffix}`;
const prefix = `wh-bench-outbox-${suffix}`;
const stream = `${prefix}:events`;
const silent = makeLogger('silent');

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (n, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits });

/** Inserts `events` user events over `aggregates` aggregates, interleaved, in one statement. */
async function insertBacklog(pool, events, aggregates) {
  await pool.query(
    `insert into whatsapp_handler.outbox_events (id, aggregate_type, aggregate_id, event_type, payload)
     select gen_random_uuid(), 'user', agg, 'user.preferences_updated',
            jsonb_build_object('user_id', agg, 'key', 'notifications', 'value', g % 2 = 0)
       from generate_series(1, $1::int) g,
            lateral (select md5($3::text || (g % $2::int)::text)::uuid as agg) a
      order by g`,
    [events, aggregates, suffix],
  );
}

async function unpublishedCount(pool) {
  const { rows } = await pool.query(
    `select count(*)::int as n from whatsapp_handler.outbox_events where published_at is null`,
  );
  return rows[0].n;
}

/** Two relays drain the backlog; returns seconds from first claim to last mark. */
async function drain(url, redis) {
  const transport = makeRedisStreamTransport(redis, { stream, maxLength: 10_000_000 });
  const pools = Array.from({ length: RELAYS }, () => makePool(url, { max: 2, applicationName: 'bench-relay' }));
  const started = performance.now();
  const relay = async (pool) => {
    const deps = { db: pool, logger: silent, transport, maxAttempts: 10 };
    for (;;) {
      const result = await runRelay(deps, { batchSize: BATCH_SIZE });
      if (result.batches === 1 && result.published === 0 && (await unpublishedCount(pool)) === 0) return;
    }
  };
  await Promise.all(pools.map(relay));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(pools.map((pool) => pool.end()));
  return seconds;
}

/**
 * The baseline: the least a relay can do. Claims the oldest unpublished batch with SKIP LOCKED,
 * publishes it with the same transport and marks it, by two relays; order across relays is not kept.
 */
async function drainNaively(url, redis) {
  const transport = makeRedisStreamTransport(redis, { stream, maxLength: 10_000_000 });
  const pools = Array.from({ length: RELAYS }, () => makePool(url, { max: 2, applicationName: 'bench-naive' }));
  const started = performance.now();
  const relay = async (pool) => {
    for (;;) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const { rows } = await client.query(
          `select id, aggregate_type, aggregate_id, event_type, payload, correlation_id, created_at
             from whatsapp_handler.outbox_events where published_at is null and parked_at is null
            order by seq limit $1 for update skip locked`,
          [BATCH_SIZE],
        );
        if (rows.length === 0) {
          await client.query('commit');
          return;
        }
        await transport.publish(
          rows.map((row) =>
            toEnvelope({
              id: row.id,
              aggregateType: row.aggregate_type,
              aggregateId: row.aggregate_id,
              eventType: row.event_type,
              payload: row.payload,
              correlationId: row.correlation_id,
              createdAt: row.created_at,
            }),
          ),
        );
        await markPublished(
          client,
          rows.map((row) => row.id),
        );
        await client.query('commit');
      } finally {
        client.release();
      }
    }
  };
  await Promise.all(pools.map(relay));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(pools.map((pool) => pool.end()));
  return seconds;
}

/** Reads the whole stream and compares each aggregate's order with the outbox's seq order. */
async function checkOrder(pool, redis) {
  const seen = new Map();
  let start = '-';
  let entries = 0;
  for (;;) {
    const chunk = await redis.xrange(stream, start, '+', 'COUNT', 10_000);
    if (chunk.length === 0) break;
    for (const [, fields] of chunk) {
      const envelope = JSON.parse(fields[fields.indexOf('envelope') + 1]);
      entries++;
      const list = seen.get(envelope.aggregate_id) ?? [];
      if (list[list.length - 1] !== envelope.event_id) list.push(envelope.event_id);
      seen.set(envelope.aggregate_id, list);
    }
    start = `(${chunk[chunk.length - 1][0]}`;
  }
  const { rows } = await pool.query(
    `select aggregate_id, array_agg(id order by seq) as ids from whatsapp_handler.outbox_events group by aggregate_id`,
  );
  let inOrder = 0;
  for (const row of rows) {
    const got = seen.get(row.aggregate_id) ?? [];
    if (got.length === row.ids.length && got.every((id, i) => id === row.ids[i])) inOrder++;
  }
  return { entries, aggregates: rows.length, inOrder };
}

async function freshBacklog(pool, redis, events, aggregates) {
  await pool.query('truncate whatsapp_handler.outbox_events');
  await redis.del(stream);
  const t = performance.now();
  await insertBacklog(pool, events, aggregates);
  await pool.query('analyze whatsapp_handler.outbox_events');
  return (performance.now() - t) / 1000;
}

async function relayPhase(url, pool, redis, label, events, aggregates) {
  await freshBacklog(pool, redis, events, aggregates);
  const naiveSeconds = await drainNaively(url, redis);
  const insertSeconds = await freshBacklog(pool, redis, events, aggregates);
  const seconds = await drain(url, redis);
  const order = await checkOrder(pool, redis);
  console.log(
    `relay (${label}): ${fmt(events)} events over ${fmt(aggregates)} aggregates, batch ${BATCH_SIZE}, ${RELAYS} relays\n` +
      `  backlog insert ${fmt(insertSeconds, 1)} s; drained in ${fmt(seconds, 2)} s = ${fmt(events / seconds)} events/s\n` +
      `  naive relay baseline: ${fmt(events / naiveSeconds)} events/s; ratio relay/baseline ${fmt(naiveSeconds / seconds, 2)}\n` +
      `  stream entries ${fmt(order.entries)} (expected ${fmt(events)}); aggregates in order ${fmt(order.inOrder)}/${fmt(order.aggregates)}`,
  );
  return { eventsPerSecond: events / seconds, ok: order.entries === events && order.inOrder === order.aggregates };
}

/** Inserters in a closed loop until `done()`; returns the sorted latencies (ms). */
async function insertLoad(pool, done, inserters = 2) {
  const latencies = [];
  let n = 0;
  const loop = async () => {
    while (!done()) {
      const aggregateId = `00000000-0000-4000-8000-${String(n++).padStart(12, '0')}`;
      const started = performance.now();
      await appendEvent(pool, {
        aggregateType: 'user',
        aggregateId,
        eventType: 'user.registered',
        payload: { user_id: aggregateId },
      });
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  await Promise.all(Array.from({ length: inserters }, loop));
  return latencies.sort((a, b) => a - b);
}

async function retentionPhase(url, pool) {
  await pool.query('truncate whatsapp_handler.outbox_events');
  const t = performance.now();
  await pool.query(
    `insert into whatsapp_handler.outbox_events
       (id, aggregate_type, aggregate_id, event_type, payload, created_at, published_at)
     select gen_random_uuid(), 'user', md5(g::text)::uuid, 'user.registered', '{}'::jsonb,
            now() - interval '9 days' + g * interval '1 ms', now() - interval '8 days' + g * interval '1 ms'
       from generate_series(1, $1::int) g`,
    [PURGE_ROWS],
  );
  await pool.query('vacuum analyze whatsapp_handler.outbox_events');
  console.log(
    `retention: ${fmt(PURGE_ROWS)} expired published events inserted in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );

  const insertPool = makePool(url, { max: 2, applicationName: 'bench-insert' });
  const warmUntil = performance.now() + INSERT_WARM_UP_MS;
  await insertLoad(insertPool, () => performance.now() >= warmUntil);
  const baselineUntil = performance.now() + INSERT_WINDOW_MS;
  const baseline = await insertLoad(insertPool, () => performance.now() >= baselineUntil);

  const purgePool = makePool(url, { max: 1, applicationName: 'bench-purge' });
  const deps = { db: purgePool, logger: silent, retentionDays: 7 };
  let deleted = 0;
  let batches = 0;
  let runs = 0;
  let purging = true;
  // The inserters start first so the whole purge runs under insert load; they stop with it.
  const during = insertLoad(insertPool, () => !purging);
  const started = performance.now();
  for (;;) {
    const result = await runRetention(deps, { batchSize: PURGE_BATCH_SIZE, pauseMs: PURGE_PAUSE_MS });
    deleted += result.deleted;
    batches += result.batches;
    runs++;
    if (!result.more) break;
  }
  const purgeSeconds = (performance.now() - started) / 1000;
  purging = false;
  const withPurge = await during;
  await Promise.all([insertPool.end(), purgePool.end()]);
  const { rows } = await pool.query(
    `select count(*) filter (where published_at is null)::int as unpublished,
            count(*) filter (where published_at is not null)::int as published
       from whatsapp_handler.outbox_events`,
  );

  const p = (sorted, q) => fmt(percentile(sorted, q), 2);
  const ratio = percentile(withPurge, 99) / percentile(baseline, 99);
  console.log(
    `  purge: ${fmt(deleted)} rows in ${fmt(purgeSeconds, 2)} s = ${fmt(deleted / purgeSeconds)} rows/s ` +
      `(${fmt(batches)} batches of ${fmt(PURGE_BATCH_SIZE)}, pause >= ${PURGE_PAUSE_MS} ms, ${runs} run${runs === 1 ? '' : 's'})\n` +
      `  insert without purge: ${fmt(baseline.length)} inserts, p50 ${p(baseline, 50)} ms, p99 ${p(baseline, 99)} ms\n` +
      `  insert during purge:  ${fmt(withPurge.length)} inserts, p50 ${p(withPurge, 50)} ms, p99 ${p(withPurge, 99)} ms\n` +
      `  insert p99 ratio (during / without): ${fmt(ratio, 2)}x (target < ${TARGET_P99_RATIO}x: ${ratio < TARGET_P99_RATIO ? 'met' : 'missed'})\n` +
      `  left: ${fmt(rows[0].published)} published (expected 0), ${fmt(rows[0].unpublished)} unpublished (the inserts, all kept)`,
  );
  return { ok: deleted === PURGE_ROWS && rows[0].published === 0 };
}

async function main() {
  const timer = setTimeout(() => {
    console.error(`bench:outbox: gave up after ${DEADLINE_MS / 1000} s`);
    process.exitCode = 1;
    cleanup().finally(() => process.exit(1));
  }, DEADLINE_MS);
  const url = await createMigratedDatabase(dbName);
  const pool = makePool(url, { max: 2, applicationName: 'bench-admin' });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  state = { pool, redis };
  console.log(`bench:outbox on ${dbName}, Redis prefix ${prefix}, node ${process.version}`);
  try {
    const spread = await relayPhase(url, pool, redis, 'spread', EVENTS, EVENTS / EVENTS_PER_AGGREGATE);
    const hot = await relayPhase(url, pool, redis, 'hot aggregates', HOT_EVENTS, HOT_AGGREGATES);
    // BENCH_PURGE_ROWS=0 skips the retention part (for trying relay settings).
    const retention = PURGE_ROWS > 0 ? await retentionPhase(url, pool) : { ok: true };
    if (!spread.ok || !hot.ok || !retention.ok) {
      console.error('bench:outbox: a correctness check failed (see above)');
      process.exitCode = 1;
    }
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
}

let state;
async function cleanup() {
  if (state) {
    await state.pool.end().catch(() => undefined);
    await deletePrefix(state.redis, prefix);
    state.redis.disconnect();
    state = undefined;
  }
  await dropDatabase(dbName);
}

main().catch(async (error) => {
  console.error(`bench:outbox failed: ${error.stack ?? error}`);
  await cleanup().catch(() => undefined);
  process.exitCode = 1;
});
