// `npm run bench:notify`: claim updates from the inbound events stream to the passengers, under the
// global send limit. BENCH_NOTIFY_PASSENGERS (5,000) passengers are seeded in Postgres (verified,
// one journey each, quiet_hours off; every tenth one ineligible: half opted out, half with
// notifications off) and half of them get a recent `last-inbound` mark (inside WhatsApp's
// 24-hour window: a text; outside: the template). Two worker processes from dist/ read the
// stream with OUTBOUND_MESSAGES_PER_SECOND=BENCH_NOTIFY_RATE (200); the local Twilio stand-in
// runs in a process of its own without delivery callbacks, behind the pass-through of bench:e2e's
// rate scenario that stamps each send as it arrives. Each passenger's claim.paid event is
// appended twice (a redelivery: the same event_id), all in a shuffled order: 10,000 entries.
//
// Read: every eligible passenger got exactly one message and nobody else any (duplicates, missing,
// unexpected: the run fails on any), text for those inside the window and the template for the
// rest, the skips by reason, each event applied once; the sends' arrival times as sends per
// second over the busy period (first to last send) / the limit (target >= 0.9) and the most sends
// in any one-second window / the limit (target <= 1.10). The database, the Redis prefix (the
// stream is under it) and the processes are removed at the end; the run fails after
// BENCH_NOTIFY_TIMEOUT (180) seconds without every notification sent.
//
// The sends keep up with the limit only while the stream is read fast enough: on a 2-core machine
// the whole pipeline (workers, Postgres, Redis) takes some 4-5 CPU ms per entry, so a busy
// machine misses the 0.9; "notifications created / sent" says which side was behind, and
// BENCH_NOTIFY_RATE=100 shows the limiter alone. BENCH_DIST points the workers (and the
// migrations) at another build, as for bench:e2e.
const { randomBytes, randomUUID } = require('node:crypto');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');
const { Redis } = require('ioredis');
const { createMigratedDatabase, deletePrefix, dropDatabase } = require('./support');
const stack = require('./e2e-stack');
const { sendRate } = require('./e2e-rate');
const traffic = require('./e2e-traffic');
const cpu = require('./e2e-cpu');

const { DIST, REDIS_URL, WORKERS, ACCOUNT_SID, AUTH_TOKEN, BOT } = stack;
const { sleep } = traffic;
const { LOCAL_CLAIM_UPDATE_CONTENT_SID, loadConfig } = require(path.join(DIST, 'config'));
const { redisKeys } = require(path.join(DIST, 'jobs', 'redis-keys'));
const { CONSUMER_GROUP: GROUP } = require(path.join(DIST, 'inbound-events', 'event-stream'));

const PASSENGERS = Number(process.env.BENCH_NOTIFY_PASSENGERS ?? 5000);
const RATE = Number(process.env.BENCH_NOTIFY_RATE ?? 200);
const TIMEOUT_S = Number(process.env.BENCH_NOTIFY_TIMEOUT ?? 180);
// Each event reaches the stream this many times (the same event_id): redeliveries.
const COPIES = 2;
const AMOUNT_PENCE = 1234;
// The stand-in's claim-update template renders as this (src/twilio/local-twilio/content-store.ts).
const TEMPLATE_PREFIX = 'Update on your RailRepay claim ';
const VERIFY_SERVICE_SID = `VA${'2'.repeat(32)}`;
const OUTPUT_KEPT = 64 * 1024;
const PROGRESS_MS = 5000;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const suffix = randomBytes(4).toString('hex');
const dbName = `wh_bench_notify_${suffix}`;
const prefix = `wh-bench-notify-${suffix}`;
const stream = `${prefix}:inbound-events`;

/** Passenger i: who they are and what they should get. */
function passenger(i) {
  const reference = `RR-${Array.from({ length: 6 }, (_, k) => CROCKFORD[Math.floor(i / 32 ** (5 - k)) % 32]).join('')}`;
  return {
    i,
    userId: randomUUID(),
    journeyId: randomUUID(),
    eventId: randomUUID(),
    phone: `+44790${String(i).padStart(7, '0')}`,
    reference,
    // Every tenth is not to be told: opted out (STOP) or notifications off, in turn.
    ineligible: i % 20 === 0 ? 'opted-out' : i % 20 === 10 ? 'notifications-off' : undefined,
    // The first half wrote recently: inside the 24-hour window.
    windowOpen: i <= PASSENGERS / 2,
  };
}

/** Users, journeys and preferences, a few statements for them all. */
async function seed(databaseUrl, passengers) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `insert into whatsapp_handler.users (id, phone_number, verified_at)
       select id, phone, now() from unnest($1::uuid[], $2::varchar[]) as u(id, phone)`,
      [passengers.map((p) => p.userId), passengers.map((p) => p.phone)],
    );
    await db.query(
      `insert into whatsapp_handler.journeys
         (id, reference, user_id, correlation_id, origin_crs, destination_crs, travel_date,
          departure_datetime, arrival_datetime, journey_type, status, claim_reference)
       select j.id, j.reference, j.user_id, 'bench-notify-' || j.reference, 'KGX', 'YRK', current_date - 3,
              (current_date - 3) + time '08:00', (current_date - 3) + time '10:15', 'single', 'submitted',
              'OP-' || j.reference
         from unnest($1::uuid[], $2::varchar[], $3::uuid[]) as j(id, reference, user_id)`,
      [passengers.map((p) => p.journeyId), passengers.map((p) => p.reference), passengers.map((p) => p.userId)],
    );
    // quiet_hours off for everyone (else nothing goes out at night), and the ineligible ones' reason.
    const prefs = passengers.flatMap((p) => [
      [p.userId, 'quiet_hours', 'false'],
      ...(p.ineligible === 'opted-out' ? [[p.userId, 'opted_out', 'true']] : []),
      ...(p.ineligible === 'notifications-off' ? [[p.userId, 'notifications', 'false']] : []),
    ]);
    await db.query(
      `insert into whatsapp_handler.user_preferences (id, user_id, preference_key, preference_value)
       select gen_random_uuid(), user_id, key, value
         from unnest($1::uuid[], $2::varchar[], $3::jsonb[]) as p(user_id, key, value)`,
      [prefs.map((r) => r[0]), prefs.map((r) => r[1]), prefs.map((r) => r[2])],
    );
  } finally {
    await db.end();
  }
}

/** The stream entry of a passenger's claim.paid, as another RailRepay service writes it. */
function entryOf(p, occurredAt) {
  const envelope = {
    event_id: p.eventId,
    event_type: 'claim.paid',
    aggregate_type: 'claim',
    aggregate_id: p.journeyId,
    occurred_at: occurredAt,
    correlation_id: null,
    payload: { journey_id: p.journeyId, user_id: p.userId, amount_pence: AMOUNT_PENCE },
  };
  return ['event_id', p.eventId, 'event_type', 'claim.paid', 'envelope', JSON.stringify(envelope)];
}

function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** A worker process from DIST; keeps the tail of its output (warnings and errors at LOG_LEVEL=warn). */
function startWorker(name, env) {
  const child = spawn(process.execPath, [path.join(DIST, 'main', 'worker.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-OUTPUT_KEPT));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { name, child, exited, output: () => output };
}

/** The group's consumers and its pending and unread entry counts; undefined before the group exists. */
async function groupState(redis) {
  try {
    const groups = await redis.xinfo('GROUPS', stream);
    const group = groups.map((g) => Object.fromEntries(pairs(g))).find((g) => g.name === GROUP);
    if (group === undefined) return undefined;
    const consumers = (await redis.xinfo('CONSUMERS', stream, GROUP)).map((c) => Object.fromEntries(pairs(c)).name);
    return { pending: Number(group.pending), lag: group.lag === null ? null : Number(group.lag), consumers };
  } catch (error) {
    if (/no such key/i.test(error.message)) return undefined;
    throw error;
  }
}

function* pairs(list) {
  for (let i = 0; i + 1 < list.length; i += 2) yield [list[i], list[i + 1]];
}

/** Resolves once every worker reads the stream (its consumer, host:pid, is in the group). */
async function workersReading(redis, workers, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const worker of workers) {
      if (worker.child.exitCode !== null) throw new Error(`${worker.name} exited early:\n${worker.output()}`);
    }
    const state = await groupState(redis);
    const reading = workers.filter((w) => state?.consumers.some((name) => name.endsWith(`:${w.child.pid}`)));
    if (reading.length === workers.length) return;
    if (Date.now() > deadline) throw new Error(`${reading.length} of ${workers.length} workers read the stream`);
    await sleep(100);
  }
}

async function notificationCounts(db) {
  const { rows } = await db.query(
    `select count(*) filter (where status = 'sent')::int as sent,
            count(*) filter (where status = 'skipped')::int as skipped,
            count(*) filter (where status = 'pending')::int as pending,
            count(*)::int as total
       from whatsapp_handler.claim_notifications`,
  );
  return rows[0];
}

/**
 * Waits until every eligible passenger's notification is sent, every passenger has one, and the
 * group has read and acknowledged every entry; the time (ms) each of those was first true.
 */
async function waitUntilHandled(redis, db, workers, expected, started) {
  const deadline = started + TIMEOUT_S * 1000;
  const times = {};
  // Every PROGRESS_MS: notifications created and sent so far (is delivery or the stream behind?).
  const progress = [];
  let counts;
  let group;
  for (;;) {
    for (const worker of workers) {
      if (worker.child.exitCode !== null) throw new Error(`${worker.name} exited:\n${worker.output()}`);
    }
    [counts, group] = await Promise.all([notificationCounts(db), groupState(redis)]);
    const now = Date.now();
    if (now - started >= (progress.length + 1) * PROGRESS_MS) progress.push({ at: now - started, ...counts });
    if (times.streamDone === undefined && group?.pending === 0 && group?.lag === 0) times.streamDone = now;
    if (times.allSent === undefined && counts.sent >= expected.eligible) times.allSent = now;
    if (
      counts.sent >= expected.eligible &&
      counts.total >= expected.passengers &&
      group?.pending === 0 &&
      group?.lag === 0
    ) {
      return { ...times, done: now, counts, group, progress };
    }
    if (now > deadline) {
      throw new Error(
        `after ${TIMEOUT_S} s: notifications ${JSON.stringify(counts)} of ${expected.passengers} ` +
          `(${expected.eligible} to send); stream group pending ${group?.pending}, unread ${group?.lag}`,
      );
    }
    await sleep(200);
  }
}

async function stopWorkers(workers) {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  }, 30_000);
  await Promise.all(workers.map((worker) => worker.exited));
  clearTimeout(timer);
}

/** Where the busiest one-second window [t, t + 1 s) starts, in seconds after the first send. */
function busiestAt(times) {
  let most = 0;
  let at = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && times[j] < times[i] + 1000) j++;
    if (j - i > most) [most, at] = [j - i, times[i] - times[0]];
  }
  return at / 1000;
}

const ratio = (value) => (value / RATE).toFixed(3);
const met = (ok) => (ok ? 'met' : 'MISSED');

async function main() {
  const databaseUrl = await createMigratedDatabase(dbName, path.dirname(DIST));
  const redis = new Redis(REDIS_URL);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  state = { redis, db, workers: [] };

  const passengers = Array.from({ length: PASSENGERS }, (_, i) => passenger(i + 1));
  const eligible = passengers.filter((p) => p.ineligible === undefined);
  const seedStarted = performance.now();
  await seed(databaseUrl, passengers);
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  state.standIn = await stack.startStandIn({ statusCallbacks: false });
  state.stamp = await stack.startStamp(state.standIn);
  const env = {
    NODE_ENV: 'test',
    // No web process: delivery callbacks are off, so nothing calls back here.
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    // This bench reads and writes REDIS_URL itself: a cluster in its own environment is not passed on.
    REDIS_CLUSTER_NODES: '',
    REDIS_KEY_PREFIX: prefix,
    INBOUND_EVENTS_STREAM: stream,
    OUTBOUND_MESSAGES_PER_SECOND: String(RATE),
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_VERIFY_SERVICE_SID: VERIFY_SERVICE_SID,
    TWILIO_WHATSAPP_FROM: `whatsapp:${BOT}`,
    // With credentials the config has no template by default; the stand-in serves this one.
    TWILIO_CONTENT_SID_CLAIM_UPDATE: LOCAL_CLAIM_UPDATE_CONTENT_SID,
    TWILIO_API_BASE_URL: state.stamp.url,
    TWILIO_VERIFY_BASE_URL: state.standIn.url,
    LOG_LEVEL: 'warn',
  };
  // Half the passengers wrote a minute ago: the window is open for them. The key is the build's
  // own (src/jobs/redis-keys.ts), as the workers' config names it.
  const config = loadConfig({ ...process.env, ...env });
  const keys = redisKeys(config.redisKeyPrefix, {
    finishedMessageTtlSeconds: config.finishedMessageTtlSeconds,
    senderKeySecret: config.senderKeySecret,
  });
  const marks = redis.pipeline();
  for (const p of passengers.filter((q) => q.windowOpen)) {
    marks.set(keys.lastInbound(p.phone), String(Date.now() - 60_000), 'EX', keys.ttl.whatsappWindow);
  }
  await marks.exec();
  const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(`worker ${i + 1}`, env));
  state.workers = workers;
  await workersReading(redis, workers);

  console.log(
    `bench:notify: ${PASSENGERS} passengers (${eligible.length} eligible, ${PASSENGERS - eligible.length} not: ` +
      `opted out or notifications off; ${passengers.filter((p) => p.windowOpen).length} inside the 24-hour window) ` +
      `seeded in ${seedSeconds.toFixed(1)} s; ${WORKERS} workers (concurrency ${process.env.WORKER_CONCURRENCY ?? 16} ` +
      `each), OUTBOUND_MESSAGES_PER_SECOND=${RATE}, delivery callbacks off, build ${DIST}, node ${process.version}`,
  );

  // Each event twice, shuffled: a redelivery may come before or long after the first.
  const occurredAt = new Date().toISOString();
  const entries = shuffle(passengers.flatMap((p) => Array.from({ length: COPIES }, () => entryOf(p, occurredAt))));
  const cpuStack = { web: { child: { pid: 0 } }, workers, standIn: state.standIn, stamp: state.stamp, databaseUrl };
  const before = await cpu.sample(redis, cpuStack);
  const started = Date.now();
  for (let i = 0; i < entries.length; i += 1000) {
    const pipeline = redis.pipeline();
    for (const fields of entries.slice(i, i + 1000)) pipeline.xadd(stream, '*', ...fields);
    const results = await pipeline.exec();
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }
  const pushedMs = Date.now() - started;
  const handled = await waitUntilHandled(
    redis,
    db,
    workers,
    { eligible: eligible.length, passengers: PASSENGERS },
    started,
  );
  const used = cpu.difference(await cpu.sample(redis, cpuStack), before);
  delete used.web;
  const wall = (handled.done - started) / 1000;
  // Anything still running (a second delivery job of a notification) would send now.
  await traffic.settle(redis, { prefix });
  await sleep(1000);

  const times = (await state.stamp.stamps()).sort((a, b) => a - b);
  const replies = await state.standIn.replies(passengers.map((p) => p.phone));

  // Per passenger: what reached the stand-in.
  let duplicates = 0;
  let extraMessages = 0;
  let missing = 0;
  let unexpected = 0;
  let wrongKind = 0;
  let texts = 0;
  let templates = 0;
  passengers.forEach((p, i) => {
    const got = replies[i];
    for (const m of got) {
      if (m.body.startsWith(TEMPLATE_PREFIX)) templates++;
      else texts++;
    }
    if (p.ineligible !== undefined) {
      if (got.length > 0) unexpected++;
      return;
    }
    if (got.length === 0) missing++;
    if (got.length > 1) {
      duplicates++;
      extraMessages += got.length - 1;
    }
    const template = got.length > 0 && got[0].body.startsWith(TEMPLATE_PREFIX);
    const body = got[0]?.body ?? '';
    if (got.length > 0 && (template === p.windowOpen || !body.includes(p.reference))) wrongKind++;
  });
  const atStandIn = sendRate(
    replies
      .flat()
      .map((m) => m.at)
      .sort((a, b) => a - b),
  );

  // What Postgres recorded.
  const q = async (sql) => (await db.query(sql)).rows;
  const skips = await q(
    `select skip_reason, count(*)::int as n from whatsapp_handler.claim_notifications
      where status = 'skipped' group by 1 order by 1`,
  );
  const sentAs = await q(
    `select sent_as, count(*)::int as n from whatsapp_handler.claim_notifications
      where status = 'sent' group by 1 order by 1`,
  );
  const [facts] = await q(
    `select (select count(*)::int from whatsapp_handler.inbound_events) as handled,
            (select count(*)::int from whatsapp_handler.inbound_events_kept) as kept,
            (select count(*)::int from whatsapp_handler.claim_notifications) as notifications,
            (select count(*)::int from whatsapp_handler.journey_status_history) as history,
            (select count(*)::int from whatsapp_handler.journeys where status = 'paid') as paid`,
  );

  const sends = sendRate(times);
  const achievedOk = sends.achieved / RATE >= 0.9;
  const mostOk = sends.most / RATE <= 1.1;
  const skipLine = skips.map((s) => `${s.skip_reason} ${s.n}`).join(', ') || 'none';
  const expectedSkips =
    `expected opted-out ${passengers.filter((p) => p.ineligible === 'opted-out').length}, ` +
    `notifications-off ${passengers.filter((p) => p.ineligible === 'notifications-off').length}`;
  const seconds = (ms) => (ms / 1000).toFixed(1);

  console.log(
    `events: ${entries.length} stream entries (${PASSENGERS} claim.paid events x ${COPIES}, shuffled) pushed in ` +
      `${pushedMs} ms; stream read and acknowledged after ${seconds(handled.streamDone - started)} s, every eligible ` +
      `passenger's message sent after ${seconds(handled.allSent - started)} s (${cpu.coresBusy(used, wall)})`,
  );
  console.log(`  CPU ms per event: ${cpu.perMessage(used, entries.length)}`);
  console.log(
    `  notifications created / sent, every ${PROGRESS_MS / 1000} s after the push: ` +
      handled.progress.map((c) => `${seconds(c.at)} s ${c.total}/${c.sent}`).join(', '),
  );
  console.log(
    `  Postgres: ${facts.handled} event ids handled, ${facts.kept} kept for an operator, ${facts.notifications} ` +
      `notifications, ${facts.history} status changes, ${facts.paid} journeys paid (each expected ${PASSENGERS}, kept 0)`,
  );
  console.log(
    `messages at the stand-in: ${eligible.length} eligible passengers, ${eligible.length - missing - duplicates} got exactly one; ` +
      `missing ${missing}, duplicated ${duplicates} (${extraMessages} extra messages); ` +
      `ineligible passengers messaged ${unexpected} of ${PASSENGERS - eligible.length}`,
  );
  console.log(
    `  text ${texts}, template ${templates} (expected ${eligible.filter((p) => p.windowOpen).length} / ` +
      `${eligible.filter((p) => !p.windowOpen).length}; recorded as sent: ${sentAs.map((s) => `${s.sent_as} ${s.n}`).join(', ')}); ` +
      `wrong kind or reference ${wrongKind}`,
  );
  console.log(`  notifications skipped by reason: ${skipLine} (${expectedSkips})`);
  console.log(
    `send rate, as the sends reached the stand-in (OUTBOUND_MESSAGES_PER_SECOND=${RATE}): ${times.length} sends over ` +
      `${sends.busySeconds.toFixed(2)} s, achieved ${(sends.achieved || 0).toFixed(1)} sends/s = ${ratio(sends.achieved)} x ` +
      `the limit (target >= 0.9: ${met(achievedOk)}); most in one second ${sends.most} = ${ratio(sends.most)} x ` +
      `(target <= 1.10: ${met(mostOk)}), ${busiestAt(times).toFixed(2)} s after the first send`,
  );
  console.log(
    `  as the stand-in stamped them: achieved ${(atStandIn.achieved || 0).toFixed(1)} sends/s = ` +
      `${ratio(atStandIn.achieved)} x, most in one second ${atStandIn.most} = ${ratio(atStandIn.most)} x`,
  );
  if (times.length !== texts + templates) {
    console.log(
      `  ${times.length - (texts + templates)} requests to send reached the pass-through but left no message at the ` +
        `stand-in (an error answered, the send tried again: see the worker lines below)`,
    );
  }
  const logged = workers.map((w) => w.output().split('\n').filter(Boolean));
  console.log(`  worker log lines at warn or above: ${logged.map((lines) => lines.length).join(', ')}`);
  for (const line of logged.flat().slice(0, 10)) console.log(`    ${line.slice(0, 400)}`);

  const skippedRight =
    skips.length === 2 && skips.every((s) => s.n === passengers.filter((p) => p.ineligible === s.skip_reason).length);
  const problems = [
    missing > 0 && `${missing} eligible passengers got no message`,
    duplicates > 0 && `${duplicates} passengers got more than one message`,
    unexpected > 0 && `${unexpected} ineligible passengers got a message`,
    wrongKind > 0 && `${wrongKind} messages of the wrong kind (text/template) or reference`,
    !skippedRight && `skips differ from the seeded reasons`,
    (facts.handled !== PASSENGERS || facts.notifications !== PASSENGERS || facts.history !== PASSENGERS) &&
      'an event was not applied exactly once',
    facts.kept !== 0 && `${facts.kept} events kept for an operator`,
  ].filter(Boolean);
  console.log(
    `correctness: ${problems.length === 0 ? 'every eligible passenger told exactly once, nobody else' : problems.join('; ')}`,
  );
  if (problems.length > 0) process.exitCode = 1;
}

let state;
async function cleanup() {
  if (state) {
    await stopWorkers(state.workers);
    if (state.stamp) await state.stamp.close();
    if (state.standIn) await state.standIn.close();
    await state.db.end().catch(() => undefined);
    state.redis.disconnect();
    state = undefined;
  }
  traffic.agent.destroy();
  const redis = new Redis(REDIS_URL);
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await dropDatabase(dbName);
}

// A hung run stops by itself.
const deadline = setTimeout(
  () => {
    console.error('bench:notify: gave up');
    process.exitCode = 1;
    cleanup().finally(() => process.exit(1));
  },
  (TIMEOUT_S + 120) * 1000,
);

main()
  .catch((error) => {
    console.error(`bench:notify failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup().finally(() => clearTimeout(deadline)));
