// npm run bench:ingest — signed WhatsApp webhooks into the real web process (dist/main/web.js)
// and into a minimal baseline, over loopback, in the same run. Prints requests/s of both, the
// ratio, p50/p99 latency, jobs in Redis against unique MessageSids sent, and each server's CPU
// time per request (from /proc).
// Targets: ratio >= 0.6, p99 <= 25 ms, jobs == unique MessageSids.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Redis } = require('ioredis');
const twilio = require('twilio');
const { queuePrefix } = require('../dist/jobs/queues');
const { deletePrefix } = require('./support');

const CONNECTIONS = 50;
// Latency is read at a steady rate well below either server's capacity on this machine: at
// saturation 50 closed-loop connections queue by construction (Little's law), which says
// nothing about how fast one webhook is answered.
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 1000);
const WARMUP_MS = 3_000;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const AUTH_TOKEN = 'bench-auth-token';
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const PUBLIC_BASE_URL = 'https://bench.example.test';
const WEBHOOK_PATH = '/webhooks/twilio/whatsapp';
const QUEUE = 'inbound-messages';

function start(script, env) {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on port (\d+)/.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
}

function signedRequest(senderIndex) {
  const messageSid = `SM${randomBytes(16).toString('hex')}`;
  const from = `+44770090${String(senderIndex).padStart(4, '0')}`;
  const params = {
    MessageSid: messageSid,
    SmsMessageSid: messageSid,
    AccountSid: ACCOUNT_SID,
    From: `whatsapp:${from}`,
    To: 'whatsapp:+14155238886',
    Body: 'Hello, my train was late',
    NumMedia: '0',
    ProfileName: 'Bench',
    WaId: from.slice(1),
  };
  const body = new URLSearchParams(params).toString();
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_BASE_URL + WEBHOOK_PATH, params);
  return { messageSid, body, signature };
}

/**
 * CONNECTIONS loops of keep-alive requests for durationMs; returns latencies and counts. With
 * `rate` (requests/s across all loops) each loop paces itself, so latency is measured below
 * saturation; without it the loops send as fast as answers come back (throughput).
 */
async function drive(port, durationMs, rate) {
  const interval = rate ? (CONNECTIONS / rate) * 1000 : 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = [];
  const sids = new Set();
  let errors = 0;
  const deadline = Date.now() + durationMs;
  const send = ({ body, signature }) =>
    new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: WEBHOOK_PATH,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'x-twilio-signature': signature,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  // Requests are prepared before timing starts, so signing cost is not charged to the server.
  const loop = async (index) => {
    while (Date.now() < deadline) {
      const request = signedRequest(index * 100 + (latencies.length % 100));
      const due = Date.now() + interval;
      const started = process.hrtime.bigint();
      const status = await send(request);
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (status === 200) {
        latencies.push(elapsed);
        sids.add(request.messageSid);
      } else errors++;
      if (interval > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => loop(i)));
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds, errors, sids };
}

const ROUNDS = 5;
// Linux counts process CPU time in clock ticks of 10 ms (USER_HZ = 100).
const SECONDS_PER_TICK = 0.01;

/** CPU time (user + system) the process has used so far, from /proc; NaN where there is none. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * SECONDS_PER_TICK;
  } catch {
    return NaN;
  }
}

/** Starts a server with its own key prefix; returns what the rounds need. */
async function launch(name, script, extraEnv) {
  const prefix = `wh-bench-${name}-${randomBytes(3).toString('hex')}`;
  const env = {
    PORT: '0',
    REDIS_URL,
    // This bench counts jobs on REDIS_URL: a cluster in its own environment is not passed on.
    REDIS_CLUSTER_NODES: '',
    REDIS_KEY_PREFIX: prefix,
    AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_BASE_URL,
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const { child, port } = await start(script, env);
  return { name, prefix, child, port };
}

function merge(parts) {
  const latencies = parts.flatMap((part) => part.latencies).sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const seconds = parts.reduce((sum, part) => sum + part.seconds, 0);
  const sids = new Set(parts.flatMap((part) => [...part.sids]));
  const errors = parts.reduce((sum, part) => sum + part.errors, 0);
  return { rps: latencies.length / seconds, p50: pct(50), p99: pct(99), ok: latencies.length, errors, sids };
}

/**
 * The two servers take turns in short rounds, so a change in the load other programs put on
 * the machine during the run falls on both alike.
 */
async function compare(servers) {
  const redis = new Redis(REDIS_URL);
  // BullMQ's wait list under the queue's own prefix (src/jobs/queues.ts), as both servers name it.
  const waiting = (server) => redis.llen(`${queuePrefix(server.prefix, QUEUE)}:${QUEUE}:wait`);
  for (const server of servers) await drive(server.port, WARMUP_MS);
  const before = await Promise.all(servers.map(waiting));
  const parts = servers.map(() => []);
  const cpu = servers.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, server] of servers.entries()) {
      const cpuBefore = cpuSeconds(server.child.pid);
      parts[i].push(await drive(server.port, DURATION_MS / ROUNDS));
      cpu[i] += cpuSeconds(server.child.pid) - cpuBefore;
    }
  }
  const after = await Promise.all(servers.map(waiting));
  const paced = [];
  for (const server of servers) paced.push(await drive(server.port, DURATION_MS / 2, PACED_RATE));
  const results = servers.map((server, i) => ({
    ...merge(parts[i]),
    cpuMicrosPerRequest: (cpu[i] * 1e6) / parts[i].reduce((sum, part) => sum + part.latencies.length, 0),
    jobs: after[i] - before[i],
    paced: merge([paced[i]]),
  }));
  for (const server of servers) await deletePrefix(redis, server.prefix);
  redis.disconnect();
  return results;
}

async function main() {
  const dist = path.join(__dirname, '../dist/main/web.js');
  console.log(
    `bench:ingest: ${CONNECTIONS} connections, ${DURATION_MS / 1000} s each in ${ROUNDS} alternating rounds after ${WARMUP_MS / 1000} s warm-up`,
  );
  const servers = [
    await launch('baseline', path.join(__dirname, 'ingest-baseline.js'), {}),
    await launch('web', dist, {
      NODE_ENV: 'production',
      INTERNAL_API_TOKEN: 'x'.repeat(32),
      TWILIO_VERIFY_SERVICE_SID: `VA${'0'.repeat(32)}`,
    }),
  ];
  let baseline, web;
  try {
    [baseline, web] = await compare(servers);
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
  }
  const row = (name, r) =>
    `${name.padEnd(9)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99
      .toFixed(2)
      .padStart(6)} ms   errors ${r.errors}   jobs ${r.jobs} / unique MessageSids ${r.sids.size}   ` +
    `server CPU ${r.cpuMicrosPerRequest.toFixed(0)} µs/request`;
  console.log('throughput (as fast as answers come back):');
  console.log(row('baseline', baseline));
  console.log(row('web', web));
  const paced = (name, r) =>
    `${name.padEnd(9)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99
      .toFixed(2)
      .padStart(6)} ms   errors ${r.errors}`;
  console.log(`latency at a steady ${PACED_RATE} req/s over the same ${CONNECTIONS} connections:`);
  console.log(paced('baseline', baseline.paced));
  console.log(paced('web', web.paced));
  const ratio = web.rps / baseline.rps;
  console.log(
    `ratio web/baseline: ${ratio.toFixed(2)} (target >= 0.6); web p99 ${web.p99.toFixed(2)} ms (target <= 25 ms)`,
  );
  const countsEqual = web.jobs === web.sids.size && web.errors === 0;
  console.log(`no job lost or duplicated: ${countsEqual ? 'yes' : 'NO'}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
