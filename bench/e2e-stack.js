// The processes of bench:e2e: the stand-in, and stacks of a web process and worker processes (the
// service's, from BENCH_DIST, or the baseline's); and reading a worker's heap after GC.
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

// The build under test: this tree's dist/, or another commit's (BENCH_DIST=/tmp/wh-before/dist).
const DIST = path.resolve(process.env.BENCH_DIST ?? path.join(__dirname, '..', 'dist'));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKERS = 2;
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const AUTH_TOKEN = 'bench-e2e-auth-token';
const VERIFY_SERVICE_SID = `VA${'2'.repeat(32)}`;
const BOT = '+14155238886';
const OUTPUT_KEPT = 64 * 1024;
// How long a process may take to say it is ready, and to exit after SIGTERM before SIGKILL.
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

// BullMQ's prefix for one queue, as the build under test sets it (src/jobs/queues.ts: the queue's
// name in braces after the service's prefix, its Redis Cluster hash tag). A build from before
// that change keeps every queue under the service's prefix itself.
const { queuePrefix = (prefix) => prefix, jobOptionsFor, defaultJobOptions } = require(
  path.join(DIST, 'jobs', 'queues'),
);
// The job options of the service's inbound queue, in the build under test: the baseline keeps the
// same job records.
const inboundJobOptions = jobOptionsFor ? jobOptionsFor('inbound-messages') : defaultJobOptions;
/** One of BullMQ's keys of `queue` under the service's prefix: queueKey(p, 'inbound-messages', 'wait'). */
const queueKey = (prefix, queue, suffix) => `${queuePrefix(prefix, queue)}:${queue}:${suffix}`;
/** The queue whose `<queue prefix>:<queue>:meta` key this is, or undefined. */
function queueOfMeta(prefix, key) {
  if (!key.startsWith(`${prefix}:`) || !key.endsWith(':meta')) return undefined;
  const rest = key.slice(prefix.length + 1, -':meta'.length);
  // "{q}:q" today, "q" before the per-queue prefix.
  const queue = /^\{([^}]+)\}:(.+)$/.exec(rest)?.[2] ?? rest;
  return key === queueKey(prefix, queue, 'meta') ? queue : undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Spawns `node ...args`; keeps the tail of its output for readiness and for error messages. */
// BENCH_NODE_ARGS adds node flags to every process started here, e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof" (node refuses those in NODE_OPTIONS).
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function start(name, args, env, { ipc = false } = {}) {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])],
  });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-OUTPUT_KEPT));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const ready = (pattern, timeoutMs = READY_TIMEOUT_MS) =>
    new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const timer = setInterval(() => {
        if (pattern.test(output)) {
          clearInterval(timer);
          resolve();
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`${name} exited early:\n${output}`));
        } else if (Date.now() > deadline) {
          clearInterval(timer);
          reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${output}`));
        }
      }, 50);
    });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { name, child, ready, exited, output: () => output };
}

/**
 * A helper process that answers over IPC (bench/e2e-stand-in.js, bench/e2e-stamp.js): resolves
 * once it sent its { url }, with ask(message) -> its answer's value, and close().
 */
async function startHelper(script, env) {
  const child = spawn(process.execPath, [...NODE_ARGS, path.join(__dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const pending = new Map();
  let ids = 0;
  const url = await new Promise((resolve, reject) => {
    child.on('message', (message) => {
      if (message.url !== undefined) resolve(message.url);
      pending.get(message.id)?.(message.value);
      pending.delete(message.id);
    });
    exited.then((code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    url,
    child,
    ask: (message) =>
      new Promise((resolve) => {
        const id = ++ids;
        pending.set(id, resolve);
        child.send({ id, ...message });
      }),
    close() {
      if (child.connected) child.disconnect();
      return exited;
    },
  };
}

/**
 * The stand-in in its own process (bench/e2e-stand-in.js): its url, how many messages went to a
 * list of phones (count; pass the same array each time), each phone's messages in order
 * (replies: { body, at } with at the receive time in ms), and its event-loop delay.
 */
async function startStandIn({ statusCallbacks }) {
  const helper = await startHelper('e2e-stand-in.js', {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_VERIFY_SERVICE_SID: VERIFY_SERVICE_SID,
    STATUS_CALLBACKS: statusCallbacks ? '1' : '0',
  });
  const groups = new WeakMap();
  let group = 0;
  return {
    ...helper,
    count(phones) {
      if (groups.has(phones)) return helper.ask({ op: 'count', group: groups.get(phones) });
      groups.set(phones, ++group);
      return helper.ask({ op: 'count', group: groups.get(phones), phones });
    },
    /** Its event-loop delay since the last call: { p99Ms, maxMs }. */
    delay: () => helper.ask({ op: 'delay' }),
    /** Per phone, the bodies of its messages from index from[i] on. */
    after: (phones, from) => helper.ask({ op: 'after', phones, from }),
    async replies(phones) {
      const lists = await helper.ask({ op: 'replies', phones });
      return lists.map((list) => list.map(([body, at]) => ({ body, at })));
    },
  };
}

/** A pass-through in front of the stand-in that stamps each send on arrival (bench/e2e-stamp.js). */
async function startStamp(standIn) {
  const helper = await startHelper('e2e-stamp.js', { STAND_IN_URL: standIn.url });
  return { ...helper, stamps: () => helper.ask({ op: 'stamps' }) };
}

/**
 * A web process and WORKERS worker processes sharing a Redis prefix, on REDIS_URL unless `env`
 * names a cluster (REDIS_CLUSTER_NODES; one in the bench's own environment is not passed on).
 * kind 'service' runs DIST/main/web.js and DIST/main/worker.js (workers with --expose-gc and
 * the heap probe); kind 'baseline' runs bench/e2e-baseline.js.
 */
async function startStack(kind, { standIn, databaseUrl, prefix, env = {} }) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const common = {
    NODE_ENV: 'test',
    PORT: String(port),
    // Webhook signatures are checked against this URL; the stand-in's delivery callbacks go there.
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_CLUSTER_NODES: '',
    REDIS_KEY_PREFIX: prefix,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_VERIFY_SERVICE_SID: VERIFY_SERVICE_SID,
    TWILIO_WHATSAPP_FROM: `whatsapp:${BOT}`,
    TWILIO_API_BASE_URL: standIn.url,
    TWILIO_VERIFY_BASE_URL: standIn.url,
    LOG_LEVEL: 'info',
    ...env,
  };
  let web, workers;
  if (kind === 'service') {
    web = start('web', [path.join(DIST, 'main', 'web.js')], common);
    const probe = ['--expose-gc', '--require', path.join(__dirname, 'heap-probe.js')];
    workers = Array.from({ length: WORKERS }, (_, i) =>
      start(`worker ${i + 1}`, [...probe, path.join(DIST, 'main', 'worker.js')], common, { ipc: true }),
    );
  } else {
    const script = path.join(__dirname, 'e2e-baseline.js');
    web = start('baseline web', [script, 'web'], common);
    workers = Array.from({ length: WORKERS }, (_, i) => start(`baseline worker ${i + 1}`, [script, 'worker'], common));
  }
  const stack = { kind, prefix, port, baseUrl, web, workers, standIn, databaseUrl, processes: [web, ...workers] };
  await web.ready(/listening on port/);
  await Promise.all(workers.map((worker) => worker.ready(/workers ready|baseline worker ready/)));
  return stack;
}

/** SIGTERM to every process of the stack; SIGKILL to any still there after STOP_TIMEOUT_MS. */
async function stopStack(stack) {
  const running = stack.processes.filter((service) => service.child.exitCode === null);
  for (const service of running) service.child.kill('SIGTERM');
  await Promise.all(
    running.map(async (service) => {
      let timer;
      const late = new Promise((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS, 'late')));
      if ((await Promise.race([service.exited, late])) === 'late') {
        service.child.kill('SIGKILL');
        await service.exited;
      }
      clearTimeout(timer);
    }),
  );
}

let probes = 0;
/**
 * The worker's JavaScript heap after a full GC, in bytes, and its event-loop delay since the last
 * probe: { heapUsed, delayP99Ms, delayMaxMs } (bench/heap-probe.js answers).
 */
function heapAfterGc(worker) {
  const id = ++probes;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${worker.name}: no heap probe answer`)), 10_000);
    const onMessage = (message) => {
      if (message?.heapProbe !== id) return;
      clearTimeout(timer);
      worker.child.off('message', onMessage);
      if (message.error) reject(new Error(`${worker.name}: ${message.error}`));
      else resolve(message);
    };
    worker.child.on('message', onMessage);
    worker.child.send({ heapProbe: id });
  });
}

module.exports = {
  DIST,
  REDIS_URL,
  WORKERS,
  queuePrefix,
  inboundJobOptions,
  queueKey,
  queueOfMeta,
  ACCOUNT_SID,
  AUTH_TOKEN,
  BOT,
  startStandIn,
  startStamp,
  startStack,
  stopStack,
  heapAfterGc,
};
