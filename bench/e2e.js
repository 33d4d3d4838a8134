// `npm run bench:e2e`: the whole service end to end, in rounds. The real web process and two
// worker processes from dist/, the local Twilio stand-in (with delivery callbacks), a database
// and a Redis prefix of their own (removed at the end).
//
// Each round, BENCH_SENDERS new senders each send a six-message script, one message after the
// other, all senders at once. The round ends when every reply has reached the stand-in. Printed
// per round: messages/s from the first webhook to the last reply, and each worker's resident
// memory. Then every sender's replies are checked (each sent once, in order), and the last
// round is compared with round 2, the baseline measured in the same run (round 1 warms the
// processes up): a worker whose memory grows with traffic, or that slows down as it serves more,
// shows here.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { Redis } = require('ioredis');
const twilio = require('twilio');
const { startLocalTwilio } = require('../dist/twilio/local-twilio');
const { texts } = require('../dist/conversation/texts');
const { createMigratedDatabase, deletePrefix, dropDatabase } = require('./support');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 6));
const SENDERS = Number(process.env.BENCH_SENDERS ?? 200);
const WORKERS = 2;
const ROUND_TIMEOUT_MS = 120_000;
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const AUTH_TOKEN = 'bench-e2e-auth-token';
const VERIFY_SERVICE_SID = `VA${'2'.repeat(32)}`;
const BOT = '+14155238886';
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

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function start(entry, env) {
  const child = spawn(process.execPath, [path.join(__dirname, '../dist/main', `${entry}.js`)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const ready = (pattern) =>
    new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        if (pattern.test(output)) {
          clearInterval(timer);
          resolve();
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`${entry} exited early:\n${output}`));
        }
      }, 50);
    });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { child, ready, exited, output: () => output };
}

function residentMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line)[1]) / 1024;
}

function sender(round, i) {
  return `+4477${String(round).padStart(2, '0')}${String(i).padStart(5, '0')}`;
}

async function sendInbound(baseUrl, from, body) {
  const messageSid = `SM${randomBytes(16).toString('hex')}`;
  const params = {
    MessageSid: messageSid,
    AccountSid: ACCOUNT_SID,
    From: `whatsapp:${from}`,
    To: `whatsapp:${BOT}`,
    Body: body,
    NumMedia: '0',
    ProfileName: 'Bench',
    WaId: from.slice(1),
  };
  const webhookPath = '/webhooks/twilio/whatsapp';
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${baseUrl}${webhookPath}`, params);
  const response = await fetch(`${baseUrl}${webhookPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  await response.text();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}

async function round(stack, index) {
  const phones = Array.from({ length: SENDERS }, (_, i) => sender(index, i));
  const started = performance.now();
  await Promise.all(
    phones.map(async (phone) => {
      for (const body of SCRIPT) await sendInbound(stack.baseUrl, phone, body);
    }),
  );
  const deadline = Date.now() + ROUND_TIMEOUT_MS;
  const replies = () => phones.reduce((sum, phone) => sum + stack.twilio.messagesTo(`whatsapp:${phone}`).length, 0);
  while (replies() < phones.length * SCRIPT.length) {
    if (Date.now() > deadline) throw new Error(`round ${index}: ${replies()} replies after ${ROUND_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  // Let any duplicate arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const wrong = phones.filter((phone) => {
    const got = stack.twilio.messagesTo(`whatsapp:${phone}`).map((m) => m.body);
    return got.length !== EXPECTED.length || got.some((body, i) => body !== EXPECTED[i]);
  });
  const memory = stack.workers.map((worker) => residentMiB(worker.child.pid));
  return { messagesPerSecond: (phones.length * SCRIPT.length) / seconds, seconds, wrong: wrong.length, memory };
}

async function main() {
  const databaseUrl = await createMigratedDatabase(dbName);

  const stand = await startLocalTwilio({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    verifyServiceSid: VERIFY_SERVICE_SID,
  });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: 'test',
    PORT: String(port),
    // Twilio's delivery callbacks from the stand-in reach the web process at this URL.
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_VERIFY_SERVICE_SID: VERIFY_SERVICE_SID,
    TWILIO_WHATSAPP_FROM: `whatsapp:${BOT}`,
    TWILIO_API_BASE_URL: stand.url,
    TWILIO_VERIFY_BASE_URL: stand.url,
    // The service's capacity is measured here, not Twilio's account limit (50/s by default).
    OUTBOUND_MESSAGES_PER_SECOND: '5000',
    LOG_LEVEL: 'warn',
  };
  const web = start('web', { ...env, LOG_LEVEL: 'info' });
  const workers = Array.from({ length: WORKERS }, () => start('worker', { ...env, LOG_LEVEL: 'info' }));
  const stack = { baseUrl, twilio: stand, workers };
  state = { stand, processes: [web, ...workers] };
  await web.ready(/web listening on port/);
  await Promise.all(workers.map((worker) => worker.ready(/workers ready/)));

  console.log(
    `bench:e2e: ${ROUNDS} rounds of ${SENDERS} senders x ${SCRIPT.length} messages, web + ${WORKERS} workers ` +
      `(concurrency ${process.env.WORKER_CONCURRENCY ?? 16} each), node ${process.version}`,
  );
  const results = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const result = await round(stack, i);
    results.push(result);
    console.log(
      `round ${i}: ${result.messagesPerSecond.toFixed(0).padStart(5)} messages/s (${result.seconds.toFixed(1)} s)   ` +
        `worker RSS ${result.memory.map((m) => `${m.toFixed(0)} MiB`).join(', ')}   wrong reply lists ${result.wrong}`,
    );
  }
  const first = results[1];
  const last = results[results.length - 1];
  const growth = Math.max(...last.memory.map((m, i) => m / first.memory[i]));
  const wrong = results.reduce((sum, r) => sum + r.wrong, 0);
  console.log(
    `last round / round 2: throughput ${(last.messagesPerSecond / first.messagesPerSecond).toFixed(2)}, ` +
      `worker RSS ${growth.toFixed(2)} (the larger of the ${WORKERS})`,
  );
  console.log(
    `every reply sent once and in order for ${ROUNDS * SENDERS} senders: ${wrong === 0 ? 'yes' : `no (${wrong})`}`,
  );
  if (wrong > 0) process.exitCode = 1;
}

let state;
async function cleanup() {
  if (state) {
    for (const service of state.processes) if (service.child.exitCode === null) service.child.kill('SIGTERM');
    await Promise.all(state.processes.map((service) => service.exited));
    await state.stand.close();
    state = undefined;
  }
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
