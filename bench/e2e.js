// `npm run bench:e2e`: the whole service end to end (the web process and two worker processes
// from dist/, the local Twilio stand-in with delivery callbacks in a process of its own, a
// database and Redis prefixes of its own, removed at the end), against a baseline measured in the
// same run. Four scenarios (BENCH_SCENARIOS, default "throughput,rate,journeys,redis"), a few
// minutes on a quiet 2-core machine:
//
// throughput: the baseline (bench/e2e-baseline.js: node:http + validateRequest + Queue.add, and
//   workers making one POST per message to the stand-in; as many processes as the service) and
//   the service take turns in rounds: BENCH_SENDERS new senders each send a six-message script,
//   one message after the other, all senders at once; a round ends when every reply reached the
//   stand-in. One warm-up round each, then BENCH_ROUNDS measured rounds each. Read: messages/s of
//   both over the measured rounds and service / baseline (target >= 0.5). The send limit is set
//   to its maximum, so the limiter is not what is measured. "cores busy" is the CPU time of all
//   the processes involved (bench/e2e-cpu.js) over the round's wall time, "others" that of
//   everything else on the machine meanwhile: busy well under 2.0 with others near 0 means the
//   pipeline waited rather than worked. "CPU ms per message" says where the work went. After
//   each service round every worker reports its JavaScript heap after a full GC
//   (bench/heap-probe.js): last / round 1 near 1.0 is flat, a leak grows with every round.
// rate: OUTBOUND_MESSAGES_PER_SECOND=BENCH_RATE (100) and BENCH_RATE_SENDERS (2,000) first
//   messages at once (bench/e2e-rate.js). Read: the replies' arrival times at the stand-in, as
//   sends per second over the busy period / the limit (target >= 0.95) and the most sends in any
//   one-second window / the limit (target <= 1.10); the same once every webhook was answered
//   (the load generator no longer competes for the cores); the event-loop delays say how late
//   the workers send after their slot and how late the stand-in's own stamps are.
// journeys: BENCH_JOURNEY_SENDERS (200) new senders register and verify, then each reports a
//   delayed journey with a ticket photo, one message after the reply to the previous one, all
//   senders at once (bench/e2e-journeys.js). Read: journeys/s over the reports; journey rows,
//   ticket files and distinct references in Postgres and journey.created on the event stream
//   (each exactly one per journey); worker heap after GC after / before the round. Fails after
//   BENCH_JOURNEY_TIMEOUT (240) seconds.
// redis: one more service round with FINISHED_MESSAGE_TTL_SECONDS=BENCH_FINISHED_TTL (15), and
//   Redis before it, after it and once that TTL has passed. Read: the service's per-message keys
//   go back to what they were before; what remains is per sender (24 h, the product's rule) and
//   BullMQ's completed-job records (kept by count and age), shown apart.
//
// Every sender's replies are checked in every scenario (each sent once, in order). BENCH_DIST
// points the service processes (and the migrations) at another build, e.g. an older commit's:
//   git worktree add /tmp/wh-before <commit> && ln -s "$PWD/node_modules" /tmp/wh-before/
//   (cd /tmp/wh-before && npx tsc -p tsconfig.build.json)
//   BENCH_DIST=/tmp/wh-before/dist BENCH_SCENARIOS=throughput node bench/e2e.js
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { Redis } = require('ioredis');
const { createMigratedDatabase, deletePrefix, dropDatabase } = require('./support');
const stack = require('./e2e-stack');
const traffic = require('./e2e-traffic');
const redisReport = require('./e2e-redis');
const cpu = require('./e2e-cpu');
const { rateScenario } = require('./e2e-rate');
const { journeysScenario } = require('./e2e-journeys');

const { DIST, REDIS_URL, WORKERS } = stack;
const { sleep } = traffic;
const { texts } = require(path.join(DIST, 'conversation', 'texts'));

const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'throughput,rate,journeys,redis').split(',');
const SENDERS = Number(process.env.BENCH_SENDERS ?? 200);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const RATE = Number(process.env.BENCH_RATE ?? 100);
const RATE_SENDERS = Number(process.env.BENCH_RATE_SENDERS ?? 2000);
const FINISHED_TTL = Number(process.env.BENCH_FINISHED_TTL ?? 15);
const JOURNEY_SENDERS = Number(process.env.BENCH_JOURNEY_SENDERS ?? 200);
const JOURNEY_TIMEOUT = Number(process.env.BENCH_JOURNEY_TIMEOUT ?? 240);
// Twilio's delivery callbacks (two per reply) reach the service's web process; BENCH_STATUS_CALLBACKS=0
// leaves them out, to see what they cost. The baseline asks for none.
const STATUS_CALLBACKS = process.env.BENCH_STATUS_CALLBACKS !== '0';
// The highest OUTBOUND_MESSAGES_PER_SECOND the config accepts: far above what two workers send.
const NO_LIMIT = '10000';
// Replies that depend on the state each earlier message left: a message handled out of order,
// twice or not at all gives a different list.
const SCRIPT = ['Hi', 'menu', 'help', 'what?', 'cancel', 'help'];
const EXPECTED = [
  texts.welcome,
  texts.needsAccount,
  texts.helpNoAccount,
  texts.consentHint,
  texts.goodbyeNoConsent,
  texts.helpNoAccount,
];

const suffix = randomBytes(4).toString('hex');
const dbName = `wh_bench_e2e_${suffix}`;
const prefix = `wh-bench-e2e-${suffix}`;
const timeoutFor = (messages) => 60_000 + messages * 25;
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);

let groups = 0;
/** A new group of senders; throughput groups are 01..89, the rate scenario's 90..99. */
function phones(count, group = ++groups) {
  if (count > 99_999 || group > 99) throw new Error('too many senders for the phone number pattern');
  return Array.from({ length: count }, (_, i) => `+4477${String(group).padStart(2, '0')}${String(i).padStart(5, '0')}`);
}

/** The senders whose replies differ from `expected` (missing, extra, out of order). */
async function wrongReplies(standIn, senders, expected) {
  return (await standIn.replies(senders)).filter(
    (got) => got.length !== expected.length || got.some((m, i) => m.body !== expected[i]),
  ).length;
}

/**
 * One round: seconds until the last reply. CPU counts until the queues are idle (delivery
 * callbacks included), over `wall` seconds.
 */
async function round(run, target, senders) {
  const started = performance.now();
  const before = await cpu.sample(run.redis, target);
  const { seconds } = await traffic.carry(
    target,
    run.standIn,
    senders,
    SCRIPT,
    timeoutFor(senders.length * SCRIPT.length),
  );
  await traffic.settle(run.redis, target);
  const used = cpu.difference(await cpu.sample(run.redis, target), before);
  const wall = (performance.now() - started) / 1000;
  if (target.kind === 'service') run.serviceSenders.push(...senders);
  else run.baselineSenders.push(...senders);
  return { seconds, wall, messages: senders.length * SCRIPT.length, cpu: used };
}
const cores = (r) => cpu.coresBusy(r.cpu, r.wall);

function accumulate(total, r) {
  total.seconds += r.seconds;
  total.messages += r.messages;
  cpu.add(total.cpu, r.cpu);
}

async function heaps(service) {
  return (await Promise.all(service.workers.map((worker) => stack.heapAfterGc(worker)))).map((p) => p.heapUsed);
}

async function throughput(run) {
  const baseline = await stack.startStack('baseline', { ...run.common, prefix: `${prefix}-baseline` });
  run.stacks.push(baseline);
  const { service } = run;
  const line = (label, b, s, heap) =>
    console.log(
      `${label.padEnd(8)} baseline ${(b.messages / b.seconds).toFixed(0).padStart(5)} messages/s (${b.seconds.toFixed(1)} s, ` +
        `${cores(b)})   service ${(s.messages / s.seconds).toFixed(0).padStart(5)} messages/s ` +
        `(${s.seconds.toFixed(1)} s, ${cores(s)})   ` +
        `worker heap after GC ${heap.map(mib).join(', ')} MiB`,
    );
  line(
    'warm-up',
    await round(run, baseline, phones(SENDERS)),
    await round(run, service, phones(SENDERS)),
    await heaps(service),
  );
  const totals = { baseline: { seconds: 0, messages: 0, cpu: {} }, service: { seconds: 0, messages: 0, cpu: {} } };
  for (let i = 1; i <= ROUNDS; i++) {
    // Turn about, so a change in what else the machine runs falls on both alike.
    const b = await round(run, baseline, phones(SENDERS));
    const s = await round(run, service, phones(SENDERS));
    const heap = await heaps(service);
    run.heaps.push({ label: `round ${i}`, heap });
    accumulate(totals.baseline, b);
    accumulate(totals.service, s);
    line(`round ${i}`, b, s, heap);
  }
  run.lastServiceRound = Date.now();
  const rate = (t) => t.messages / t.seconds;
  console.log(
    `throughput over the ${ROUNDS} measured rounds: service ${rate(totals.service).toFixed(0)} messages/s, ` +
      `baseline ${rate(totals.baseline).toFixed(0)} messages/s, service / baseline ` +
      `${(rate(totals.service) / rate(totals.baseline)).toFixed(2)} (target >= 0.5)`,
  );
  console.log(`  CPU ms per message, baseline: ${cpu.perMessage(totals.baseline.cpu, totals.baseline.messages)}`);
  console.log(`  CPU ms per message, service:  ${cpu.perMessage(totals.service.cpu, totals.service.messages)}`);
  const handed = async (target) =>
    redisReport.pickUps(run.redis, target.prefix, 'inbound-messages', SENDERS * SCRIPT.length);
  console.log(
    `  times a worker took up each inbound job of the last round: baseline ${(await handed(baseline)).toFixed(2)}, ` +
      `service ${(await handed(service)).toFixed(2)} (more than 1: the message went back to wait for its turn)`,
  );
  await stack.stopStack(baseline);
  await deletePrefix(run.redis, baseline.prefix);
}

async function soak(run) {
  const { service } = run;
  // The keys of earlier rounds have expired by now, so "before" is the level a round starts from.
  await sleep(Math.max(0, run.lastServiceRound + (FINISHED_TTL + 5) * 1000 - Date.now()));
  const before = await redisReport.snapshot(run.redis, service.prefix);
  await round(run, service, phones(SENDERS));
  run.heaps.push({ label: 'soak', heap: await heaps(service) });
  const after = await redisReport.snapshot(run.redis, service.prefix);
  const wait = FINISHED_TTL + 5;
  await sleep(wait * 1000);
  run.heaps.push({ label: `+${wait} s`, heap: await heaps(service) });
  const expired = await redisReport.snapshot(run.redis, service.prefix);
  console.log(
    `redis: soak round of ${SENDERS} new senders x ${SCRIPT.length} messages, FINISHED_MESSAGE_TTL_SECONDS=${FINISHED_TTL} ` +
      `(keys under the service's prefix: count (MEMORY USAGE))`,
  );
  redisReport.report([before, after, expired], ['before', 'after', `after +${wait} s`], FINISHED_TTL, SENDERS);
}

async function main() {
  const databaseUrl = await createMigratedDatabase(dbName, path.dirname(DIST));
  const standIn = await stack.startStandIn({ statusCallbacks: STATUS_CALLBACKS });
  const redis = new Redis(REDIS_URL);
  const common = { standIn, databaseUrl };
  const run = { standIn, redis, common, stacks: [], heaps: [], wrong: 0, serviceSenders: [], baselineSenders: [] };
  state = run;
  console.log(
    `bench:e2e: ${SCENARIOS.join(', ')}; ${SENDERS} senders x ${SCRIPT.length} messages a round, web + ${WORKERS} workers ` +
      `(concurrency ${process.env.WORKER_CONCURRENCY ?? 16} each), delivery callbacks ${STATUS_CALLBACKS ? 'on' : 'off'}, build ${DIST}, node ${process.version}`,
  );
  if (['throughput', 'journeys', 'redis'].some((name) => SCENARIOS.includes(name))) {
    run.service = await stack.startStack('service', {
      ...common,
      prefix: `${prefix}-service`,
      env: { OUTBOUND_MESSAGES_PER_SECOND: NO_LIMIT, FINISHED_MESSAGE_TTL_SECONDS: String(FINISHED_TTL) },
    });
    run.stacks.push(run.service);
    run.lastServiceRound = Date.now();
  }
  if (SCENARIOS.includes('throughput')) await throughput(run);
  if (SCENARIOS.includes('rate')) {
    run.wrong += await rateScenario(run, {
      prefix: `${prefix}-rate`,
      rate: RATE,
      senders: phones(RATE_SENDERS, 90),
      welcome: texts.welcome,
    });
  }
  if (SCENARIOS.includes('journeys')) {
    run.wrong += await journeysScenario(run, {
      service: run.service,
      phones: phones(JOURNEY_SENDERS),
      timeoutMs: JOURNEY_TIMEOUT * 1000,
      heaps: () => heaps(run.service),
    });
    run.lastServiceRound = Date.now();
  }
  if (SCENARIOS.includes('redis')) await soak(run);

  if (run.heaps.length > 0) {
    const first = run.heaps[0].heap;
    const last = run.heaps[run.heaps.length - 1].heap;
    const growth = Math.max(...last.map((h, i) => h / first[i]));
    console.log(
      `worker heap after GC (MiB): ${run.heaps.map((h) => `${h.label} ${h.heap.map(mib).join('/')}`).join(', ')}; ` +
        `last / ${run.heaps[0].label} ${growth.toFixed(2)} (the larger of the ${WORKERS}; flat is ~1.0)`,
    );
  }
  const wrongService = await wrongReplies(standIn, run.serviceSenders, EXPECTED);
  const wrongBaseline = (await standIn.replies(run.baselineSenders)).filter((l) => l.length !== SCRIPT.length).length;
  run.wrong += wrongService + wrongBaseline;
  console.log(
    `every reply sent once and in order for ${run.serviceSenders.length} service senders: ` +
      `${wrongService === 0 ? 'yes' : `no (${wrongService})`}; baseline senders with a missing or extra message: ${wrongBaseline}`,
  );
  if (run.wrong > 0) process.exitCode = 1;
}

let state;
async function cleanup() {
  if (state) {
    await Promise.all(state.stacks.map((s) => stack.stopStack(s)));
    await state.standIn.close();
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
const deadline = setTimeout(() => {
  console.error('bench:e2e: gave up after 10 minutes');
  process.exitCode = 1;
  cleanup().finally(() => process.exit(1));
}, 10 * 60_000);

main()
  .catch((error) => {
    console.error(`bench:e2e failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup().finally(() => clearTimeout(deadline)));
