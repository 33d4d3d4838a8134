// bench:e2e's journeys scenario: BENCH_JOURNEY_SENDERS (200) new senders at once each register
// and verify (Hi, YES, the code the stand-in issued), then, once all are verified, each reports a
// delayed journey with a ticket photo (the script of tests/e2e/journey.test.ts). Every sender
// sends its next message only once the reply to the previous one reached the stand-in. Read:
// journeys/s over the report phase; every journey stored exactly once (journey rows, attached
// ticket files and distinct references in Postgres, journey.created on the event stream, one
// reply per message); the workers' heap after GC after the round / before it.
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { sendInbound, settle, sleep } = require('./e2e-traffic');

// A small JPEG as the service checks it: the magic bytes FF D8 FF, a few KB, the end marker.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4096), Buffer.from([0xff, 0xd9])]);
const STATION_LINE = /^\*(\d+)\* Manchester Piccadilly \(MAN\)$/m;
const REFERENCE = /RR-[0-9A-Z]{6}/;
const POLL_MS = 25;

/**
 * Hands each phone's replies out one at a time, in order: next(phone) resolves with the body of
 * the phone's next message at the stand-in. One IPC poll for all waiting phones at a time.
 */
function replyWatcher(standIn, deadline) {
  const waiting = new Map();
  const taken = new Map();
  let polling = false;
  async function poll() {
    polling = true;
    try {
      while (waiting.size > 0) {
        const phones = [...waiting.keys()];
        const lists = await standIn.after(
          phones,
          phones.map((phone) => taken.get(phone) ?? 0),
        );
        phones.forEach((phone, i) => {
          if (lists[i].length === 0) return;
          taken.set(phone, (taken.get(phone) ?? 0) + 1);
          waiting.get(phone).resolve(lists[i][0]);
          waiting.delete(phone);
        });
        if (Date.now() > deadline.at) {
          for (const [phone, { reject, what }] of waiting)
            reject(new Error(`${phone}: no reply to ${JSON.stringify(what)} by the scenario's deadline`));
          waiting.clear();
        }
        if (waiting.size > 0) await sleep(POLL_MS);
      }
    } finally {
      polling = false;
    }
  }
  return {
    next(phone, what) {
      return new Promise((resolve, reject) => {
        waiting.set(phone, { resolve, reject, what });
        if (!polling) poll().catch((error) => reject(error));
      });
    },
  };
}

async function getJson(url) {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

async function registerMedia(standInUrl, messageSid) {
  const response = await fetch(`${standInUrl}/_local/media?messageSid=${messageSid}`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: JPEG,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`the stand-in answered ${response.status} to the media: ${text}`);
  return JSON.parse(text).url;
}

/** The reply, if it says what `pattern` looks for; else an error naming the sender and the step. */
function expect(phone, step, reply, pattern) {
  if (!pattern.test(reply)) throw new Error(`${phone}: the reply to ${step} was ${JSON.stringify(reply)}`);
  return reply;
}

async function register(service, standIn, watcher, phone) {
  const say = async (body) => {
    await sendInbound(service, phone, body);
    return watcher.next(phone, body);
  };
  await say('Hi');
  await say('YES');
  const { code } = await getJson(`${standIn.url}/_local/verifications/latest?to=${encodeURIComponent(phone)}`);
  await say(code);
}

/** One report from 1 to YES; resolves with the reference in the confirmation. */
async function report(service, standIn, watcher, phone) {
  const say = async (body, pattern, options) => {
    await sendInbound(service, phone, body, options);
    return expect(phone, JSON.stringify(body), await watcher.next(phone, body), pattern);
  };
  await say('1', /date/i);
  await say('yesterday', /station|from/i);
  const choices = await say('kings x to manchster', STATION_LINE);
  await say(STATION_LINE.exec(choices)[1], /depart/i);
  await say('8:05am', /arriv/i);
  await say('10:14', /single|return/i);
  await say('single', /photo|ticket/i);
  const messageSid = `MM${randomBytes(16).toString('hex')}`;
  const url = await registerMedia(standIn.url, messageSid);
  await say('', /Manchester Piccadilly/, { messageSid, media: [{ url, contentType: 'image/jpeg' }] });
  return REFERENCE.exec(await say('YES', REFERENCE))[0];
}

/** Runs `task` for every phone at once; the failures, counted and the first few kept. */
async function each(phones, task) {
  const settled = await Promise.allSettled(phones.map(task));
  const failed = settled.filter((s) => s.status === 'rejected').map((s) => s.reason.message ?? String(s.reason));
  return { ok: settled.map((s) => s.status === 'fulfilled'), values: settled.map((s) => s.value), failed };
}

async function journeyCreatedEvents(redis, prefix) {
  const entries = await redis.xrange(`${prefix}:events`, '-', '+');
  return entries
    .map(([, fields]) => JSON.parse(fields[fields.indexOf('envelope') + 1]))
    .filter((envelope) => envelope.event_type === 'journey.created');
}

/**
 * The scenario on a running service stack; `heaps()` reads the workers' heap after GC. Returns
 * the number of problems found (0 when every journey was stored exactly once).
 */
async function journeysScenario(run, { service, phones, timeoutMs, heaps }) {
  const { standIn, redis } = run;
  const deadline = { at: Date.now() + timeoutMs };
  const watcher = replyWatcher(standIn, deadline);
  const problems = [];
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);

  const heapBefore = await heaps();
  let started = performance.now();
  const registered = await each(phones, (phone) => register(service, standIn, watcher, phone));
  const registerSeconds = (performance.now() - started) / 1000;
  problems.push(...registered.failed);
  const verified = phones.filter((_, i) => registered.ok[i]);

  started = performance.now();
  const reported = await each(verified, (phone) => report(service, standIn, watcher, phone));
  const reportSeconds = (performance.now() - started) / 1000;
  problems.push(...reported.failed);
  const references = reported.values.filter((r) => r !== undefined);

  await settle(redis, service);
  // The relay publishes from the outbox on its own schedule: wait for every journey.created.
  let events;
  while ((events = await journeyCreatedEvents(redis, service.prefix)).length < references.length) {
    if (Date.now() > deadline.at) break;
    await sleep(200);
  }
  const heapAfter = await heaps();

  const client = new Client({ connectionString: service.databaseUrl });
  await client.connect();
  let stored;
  try {
    ({
      rows: [stored],
    } = await client.query(
      `select (select count(*) from whatsapp_handler.journeys)::int as journeys,
              (select count(distinct reference) from whatsapp_handler.journeys)::int as refs,
              (select count(distinct user_id) from whatsapp_handler.journeys)::int as users,
              (select count(*) from whatsapp_handler.journey_ticket_files)::int as files,
              (select count(*) from whatsapp_handler.journey_ticket_files where journey_id is not null)::int as attached,
              (select count(*) from whatsapp_handler.journey_ticket_files where bytes = $1)::int as same_bytes`,
      [JPEG],
    ));
  } finally {
    await client.end();
  }

  const n = phones.length;
  const replies = await standIn.replies(phones);
  const wrongCount = replies.filter((list) => list.length !== 12).length;
  const eventJourneys = new Set(events.map((e) => e.payload?.journey_id)).size;
  const check = (ok, what) => {
    if (!ok) problems.push(what);
  };
  check(stored.journeys === n, `${stored.journeys} journey rows for ${n} journeys`);
  check(stored.refs === n, `${stored.refs} distinct references in the journeys table`);
  check(stored.users === n, `journeys of ${stored.users} distinct users`);
  check(stored.files === n && stored.attached === n, `${stored.files} ticket files (${stored.attached} attached)`);
  check(stored.same_bytes === n, `${stored.same_bytes} ticket files hold the bytes sent`);
  check(new Set(references).size === n, `${new Set(references).size} distinct references in the confirmations`);
  check(events.length === n, `${events.length} journey.created events`);
  check(eventJourneys === n, `journey.created for ${eventJourneys} distinct journeys`);
  check(wrongCount === 0, `${wrongCount} senders without exactly one reply per message (12)`);

  const ratio = Math.max(...heapAfter.map((h, i) => h / heapBefore[i]));
  console.log(
    `journeys: ${n} senders, registered in ${registerSeconds.toFixed(1)} s, then ${references.length} reports in ` +
      `${reportSeconds.toFixed(1)} s: ${(references.length / reportSeconds).toFixed(1)} journeys/s ` +
      `(${((references.length * 9) / reportSeconds).toFixed(0)} messages/s)`,
  );
  console.log(
    `  Postgres: ${stored.journeys} journey rows, ${stored.refs} distinct references, ${stored.files} ticket files ` +
      `(${stored.attached} attached, ${stored.same_bytes} with the bytes sent); Redis ${service.prefix}:events: ` +
      `${events.length} journey.created (${eventJourneys} distinct journeys); senders with a missing or extra reply: ${wrongCount}`,
  );
  console.log(
    `  worker heap after GC: before ${heapBefore.map(mib).join('/')} MiB, after ${heapAfter.map(mib).join('/')} MiB, ` +
      `after / before ${ratio.toFixed(2)} (the larger of the workers)`,
  );
  console.log(
    `  every journey stored exactly once: ${problems.length === 0 ? 'yes' : `no (${problems.length} problems)`}`,
  );
  for (const problem of problems.slice(0, 10)) console.log(`    ${problem}`);
  if (Date.now() > deadline.at)
    throw new Error(`journeys: not done within ${timeoutMs / 1000} s (BENCH_JOURNEY_TIMEOUT)`);
  return problems.length;
}

module.exports = { journeysScenario };
