// `npm run bench:e2e`: the whole service end to end (the web process and two worker processes
// from dist/, the local Twilio stand-in with delivery callbacks in a process of its own, a
// database and Redis prefixes of its own, removed at the end), against a baseline measured in the
// same run. Five scenarios (BENCH_SCENARIOS, default "throughput,rate,journeys,redis,cluster"), a
// few minutes on a quiet 2-core machine:
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
//   pipeline waited rather than worked. "CPU ms per message" says where the work went. Then
//   every service worker reports its JavaScript heap after a full GC (bench/heap-probe.js), once
//   after the measured rounds and once after each of BENCH_HEAP_ROUNDS (2) more service rounds:
//   last / first near 1.0 is flat, a leak grows with every round.
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
// cluster: a private Redis Cluster (3 masters + 3 replicas, scripts/redis-cluster.mjs in a temp
//   directory, stopped at the end whatever happens) next to the single Redis (REDIS_URL). The
//   throughput rounds (BENCH_SENDERS x the script, web + WORKERS workers) run on four stacks in
//   turn: the service and the baseline on the single Redis, the same two on the cluster
//   (REDIS_CLUSTER_NODES; the bench's own client is a Cluster there). One warm-up round each,
//   then BENCH_ROUNDS measured rounds each. Read: messages/s of each, service / baseline on
//   each, and cluster / single for both. On one machine the cluster's six servers share the
//   same two cores, so this says what the cluster's client and key layout cost, not what more
//   machines would give.
//
// Every sender's replies are checked in every scenario (each sent once, in order). BENCH_DIST
// points the service processes (and the migrations) at another build, e.g. an older commit's:
//   git worktree add /tmp/wh-before <commit> && ln -s "$PWD/node_modules" /tmp/wh-before/
//   (cd /tmp/wh-before && npx tsc -p tsconfig.build.json)
//   BENCH_DIST=/tmp/wh-before/dist BENCH_SCENARIOS=throughput node bench/e2e.js
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { once } = require('node:events');
const { mkdtempSync } = require('node:fs');
const os = require('node:os');
const { Cluster, Redis } = require('ioredis');
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

const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'throughput,rate,journeys,redis,cluster').split(',');
const SENDERS = Number(process.env.BENCH_SENDERS ?? 200);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const HEAP_ROUNDS = Math.max(1, Number(process.env.BENCH_HEAP_ROUNDS ?? 2));
const RATE = Number(process.env.BENCH_RATE ?? 100);
const RATE_SENDERS = Number(process.env.BENCH_RATE_SENDERS ?? 2000);
const FINISHED_TTL = Number(process.env.BENCH_FINISHED_TTL ?? 15);
const JOURNEY_SENDERS = Number(process.env.BENCH_JOURNEY_SENDERS ?? 200);
const JOURNEY_TIMEOUT = Number(process.env.BENCH_JOURNEY_TIMEOUT ?? 240);
// Twilio's delivery callbacks (two per reply) reach the service's web process; BENCH_STATUS_CALLBACKS=0
// leaves them out, to see what they cost. The baseline asks for none.
const STATUS_CALLBACKS = process.env.BENCH_STATUS_CALLBACKS !== '0';
// The private cluster of the cluster scenario: this checkout's script, and how long up and down may take.
const CLUSTER_SCRIPT = path.join(__dirname, '..', 'scripts', 'redis-cluster.mjs');
const CLUSTER_UP_TIMEOUT = 60_000;
const CLUSTER_DOWN_TIMEOUT = 30_000;
const CLUSTER_CONNECT_TIMEOUT = 10_000;
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
  // The stack's own client when it runs on the cluster, else the single Redis's.
  const redis = target.redis ?? run.redis;
  const started = performance.now();
  const before = await cpu.sample(redis, target);
  const { seconds } = await traffic.carry(
    target,
    run.standIn,
    senders,
    SCRIPT,
    timeoutFor(senders.length * SCRIPT.length),
  );
  await traffic.settle(redis, target);
  const used = cpu.difference(await cpu.sample(redis, target), before);
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
  const line = (label, b, s) =>
    console.log(
      `${label.padEnd(8)} baseline ${(b.messages / b.seconds).toFixed(0).padStart(5)} messages/s (${b.seconds.toFixed(1)} s, ` +
        `${cores(b)})   service ${(s.messages / s.seconds).toFixed(0).padStart(5)} messages/s ` +
        `(${s.seconds.toFixed(1)} s, ${cores(s)})`,
    );
  line('warm-up', await round(run, baseline, phones(SENDERS)), await round(run, service, phones(SENDERS)));
  const totals = { baseline: { seconds: 0, messages: 0, cpu: {} }, service: { seconds: 0, messages: 0, cpu: {} } };
  for (let i = 1; i <= ROUNDS; i++) {
    // Turn about, so a change in what else the machine runs falls on both alike.
    const b = await round(run, baseline, phones(SENDERS));
    const s = await round(run, service, phones(SENDERS));
    accumulate(totals.baseline, b);
    accumulate(totals.service, s);
    line(`round ${i}`, b, s);
  }
  const rate = (t) => t.messages / t.seconds;
  console.log(
    `throughput over the ${ROUNDS} measured rounds: service ${rate(totals.service).toFixed(0)} messages/s, ` +
      `baseline ${rate(totals.baseline).toFixed(0)} messages/s, service / baseline ` +
      `${(rate(totals.service) / rate(totals.baseline)).toFixed(2)} (target >= 0.5)`,
  );
  console.log(`  CPU ms per message, baseline: ${cpu.perMessage(totals.baseline.cpu, totals.baseline.messages)}`);
  console.log(`  CPU ms per message, service:  ${cpu.perMessage(totals.service.cpu, totals.service.messages)}`);
  // Read from the completed jobs' records: a build that removes inbound jobs as they complete
  // (decision 0029) keeps none, and the line is left out.
  const handed = async (target) =>
    redisReport.pickUps(run.redis, target.prefix, 'inbound-messages', SENDERS * SCRIPT.length);
  const [baselineHanded, serviceHanded] = [await handed(baseline), await handed(service)];
  if (!Number.isNaN(baselineHanded) && !Number.isNaN(serviceHanded)) {
    console.log(
      `  times a worker took up each inbound job of the last round: baseline ${baselineHanded.toFixed(2)}, ` +
        `service ${serviceHanded.toFixed(2)} (more than 1: the message went back to wait for its turn)`,
    );
  }
  await stack.stopStack(baseline);
  await deletePrefix(run.redis, baseline.prefix);
  await heapRounds(run);
}

/**
 * The service workers' heap after GC once the measured rounds are over, then after each of
 * HEAP_ROUNDS more service rounds. Not probed between the measured rounds: the probe's forced
 * full GC deoptimizes about 100 functions of a worker, the baseline's alike (reason "weak
 * objects" in --log-deopt; a GC V8 starts by itself does not), and the next round would pay to
 * optimize them again.
 */
async function heapRounds(run) {
  const { service } = run;
  run.heaps.push({ label: `round ${ROUNDS}`, heap: await heaps(service) });
  for (let i = 1; i <= HEAP_ROUNDS; i++) {
    await round(run, service, phones(SENDERS));
    run.heaps.push({ label: `+${i}`, heap: await heaps(service) });
  }
  run.lastServiceRound = Date.now();
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

/** node scripts/redis-cluster.mjs ...args, killed after timeoutMs; resolves with its stdout. */
function clusterCli(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLUSTER_SCRIPT, ...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`redis-cluster.mjs ${args.join(' ')}: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Starts a cluster in a new temp directory (kept in run.clusterDir until stopped); its nodes. */
async function startPrivateCluster(run) {
  run.clusterDir = mkdtempSync(path.join(os.tmpdir(), 'wh-bench-cluster-'));
  const stdout = await clusterCli(['up', '--dir', run.clusterDir], CLUSTER_UP_TIMEOUT);
  const nodes = /^REDIS_CLUSTER_NODES=(\S+)$/m.exec(stdout)?.[1];
  if (nodes === undefined) throw new Error(`redis-cluster.mjs up printed no REDIS_CLUSTER_NODES line: ${stdout}`);
  return nodes;
}

/** Stops the cluster run.clusterDir holds, if any (the script removes the directory too). */
async function stopPrivateCluster(run) {
  const dir = run.clusterDir;
  if (dir === undefined) return;
  run.clusterDir = undefined;
  await clusterCli(['down', '--dir', dir], CLUSTER_DOWN_TIMEOUT);
}

/** An ioredis Cluster client of the bench's own, once it knows the slots (bounded). */
async function connectCluster(nodes) {
  const startupNodes = nodes.split(',').map((node) => {
    const [host, port] = node.split(':');
    return { host, port: Number(port) };
  });
  const cluster = new Cluster(startupNodes, { redisOptions: { connectTimeout: 2_000 } });
  try {
    await once(cluster, 'ready', { signal: AbortSignal.timeout(CLUSTER_CONNECT_TIMEOUT) });
  } catch (error) {
    cluster.disconnect();
    throw new Error(`the bench's cluster client was not ready: ${error.message}`, { cause: error });
  }
  return cluster;
}

/** The cluster scenario: the same throughput rounds on the single Redis and on a private cluster. */
async function clusterScenario(run) {
  const nodes = await startPrivateCluster(run);
  const clusterRedis = await connectCluster(nodes);
  run.clusterRedis = clusterRedis;
  const started = [];
  const startOne = async (kind, place, env = {}) => {
    const target = await stack.startStack(kind, { ...run.common, prefix: `${prefix}-${place}-${kind}`, env });
    // The bench polls, samples and cleans a cluster stack through its own cluster client.
    if (place === 'cluster') target.redis = clusterRedis;
    run.stacks.push(target);
    started.push(target);
    return target;
  };
  try {
    const serviceEnv = { OUTBOUND_MESSAGES_PER_SECOND: NO_LIMIT, FINISHED_MESSAGE_TTL_SECONDS: String(FINISHED_TTL) };
    const onCluster = { REDIS_CLUSTER_NODES: nodes };
    const single = {
      service: await startOne('service', 'single', serviceEnv),
      baseline: await startOne('baseline', 'single'),
    };
    const cluster = {
      service: await startOne('service', 'cluster', { ...serviceEnv, ...onCluster }),
      baseline: await startOne('baseline', 'cluster', onCluster),
    };
    const targets = [single.service, cluster.service, single.baseline, cluster.baseline];
    console.log(
      `cluster: 3 masters + 3 replicas, ${SENDERS} senders x ${SCRIPT.length} messages a round, web + ${WORKERS} workers ` +
        `on each of single Redis and Redis Cluster; one warm-up and ${ROUNDS} measured rounds each, in turn`,
    );
    const rate = (r) => (r.messages / r.seconds).toFixed(0).padStart(5);
    const totals = new Map(targets.map((target) => [target, { seconds: 0, messages: 0, cpu: {} }]));
    for (let i = 0; i <= ROUNDS; i++) {
      // Turn about, the order reversed every other round, so a change in what else the machine
      // runs falls on all four alike.
      const order = i % 2 === 0 ? targets : [...targets].reverse();
      const results = new Map();
      for (const target of order) results.set(target, await round(run, target, phones(SENDERS)));
      if (i > 0) for (const target of targets) accumulate(totals.get(target), results.get(target));
      const r = (target) => results.get(target);
      console.log(
        `  ${(i === 0 ? 'warm-up' : `round ${i}`).padEnd(9)}` +
          `single Redis: service ${rate(r(single.service))} msg/s (${cores(r(single.service))}), ` +
          `baseline ${rate(r(single.baseline))} msg/s   ` +
          `Redis Cluster: service ${rate(r(cluster.service))} msg/s (${cores(r(cluster.service))}), ` +
          `baseline ${rate(r(cluster.baseline))} msg/s`,
      );
    }
    const perSecond = (target) => totals.get(target).messages / totals.get(target).seconds;
    console.log(`  over the ${ROUNDS} measured rounds:  service     baseline   service / baseline`);
    const row = (label, place) =>
      console.log(
        `  ${label.padEnd(18)}${perSecond(place.service).toFixed(0).padStart(6)} msg/s` +
          `${perSecond(place.baseline).toFixed(0).padStart(7)} msg/s` +
          `${(perSecond(place.service) / perSecond(place.baseline)).toFixed(2).padStart(10)}`,
      );
    row('single Redis', single);
    row('Redis Cluster', cluster);
    const ratio = (kind) => (perSecond(cluster[kind]) / perSecond(single[kind])).toFixed(2);
    console.log(`  ${'cluster / single'.padEnd(18)}${ratio('service').padStart(12)}${ratio('baseline').padStart(13)}`);
    for (const [label, target] of [
      ['service, single Redis: ', single.service],
      ['service, Redis Cluster:', cluster.service],
    ]) {
      const total = totals.get(target);
      console.log(`  CPU ms per message, ${label} ${cpu.perMessage(total.cpu, total.messages)}`);
    }
  } finally {
    for (const target of started) {
      await stack.stopStack(target);
      run.stacks.splice(run.stacks.indexOf(target), 1);
      await deletePrefix(target.redis ?? run.redis, target.prefix);
    }
    run.clusterRedis = undefined;
    clusterRedis.disconnect();
  }
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
  if (SCENARIOS.includes('cluster')) {
    try {
      await clusterScenario(run);
    } finally {
      await stopPrivateCluster(run);
    }
  }

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
    const { clusterRedis } = state;
    await Promise.all(state.stacks.map((s) => stack.stopStack(s)));
    await state.standIn.close();
    state.redis.disconnect();
    clusterRedis?.disconnect();
    // Stopped already unless the run gave up in the middle of the cluster scenario.
    await stopPrivateCluster(state).catch((error) => console.error(`bench:e2e: ${error.message}`));
    state = undefined;
  }
  traffic.agent.destroy();
  const redis = new Redis(REDIS_URL);
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await dropDatabase(dbName);
}

// A hung run stops by itself; the cluster scenario may take a few minutes more.
const DEADLINE_MINUTES = 10 + (SCENARIOS.includes('cluster') ? 5 : 0);
const deadline = setTimeout(() => {
  console.error(`bench:e2e: gave up after ${DEADLINE_MINUTES} minutes`);
  process.exitCode = 1;
  cleanup().finally(() => process.exit(1));
}, DEADLINE_MINUTES * 60_000);

main()
  .catch((error) => {
    console.error(`bench:e2e failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup().finally(() => clearTimeout(deadline)));
