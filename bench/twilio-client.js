// The official twilio client sending WhatsApp messages to the local stand-in, with its default
// HTTP layer (axios) and with the service's (src/twilio/http-request-client.ts), in one process:
// CPU per call of client and stand-in together, so the difference is the client's.
//   npm run build && node bench/twilio-client.js        (BENCH_CALLS, default 4000)
const twilio = require('twilio');
const { startLocalTwilio } = require('../dist/twilio/local-twilio');
const { HttpRequestClient } = require('../dist/twilio/http-request-client');

const ACCOUNT_SID = 'AC11111111111111111111111111111111';
const AUTH_TOKEN = 'bench-token';
const CALLS = Number(process.env.BENCH_CALLS ?? 4000);
const AT_ONCE = 50;

async function measure(stand, kind) {
  const options = kind === 'node:http' ? { httpClient: new HttpRequestClient(15_000) } : { timeout: 15_000 };
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, options);
  client.api.baseUrl = stand.url;
  const send = (i) =>
    client.messages.create({
      from: 'whatsapp:+14155238886',
      to: `whatsapp:+4477009${String(10_000 + (i % 500)).slice(-5)}`,
      body: `Your reply number ${i}`,
    });
  await Promise.all(Array.from({ length: AT_ONCE * 4 }, (_, i) => send(i))); // warm-up
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < CALLS; sent += AT_ONCE) {
    await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => send(sent + i)));
  }
  const used = process.cpuUsage(before);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { cpuMs: (used.user + used.system) / 1000 / CALLS, perSecond: CALLS / seconds };
}

(async () => {
  const stand = await startLocalTwilio({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    verifyServiceSid: 'VA22222222222222222222222222222222',
    statusCallbacks: false,
  });
  try {
    console.log(`twilio client: ${CALLS} messages.create, ${AT_ONCE} at a time, client and stand-in in one process`);
    const rows = {};
    // Alternated, twice each: the second of each is the one reported (both warmed up).
    for (const kind of ['axios (default)', 'node:http', 'axios (default)', 'node:http'])
      rows[kind] = await measure(stand, kind);
    for (const [kind, row] of Object.entries(rows)) {
      console.log(`  ${kind.padEnd(16)} ${row.cpuMs.toFixed(3)} CPU ms per call   ${row.perSecond.toFixed(0)} calls/s`);
    }
    const ratio = rows['node:http'].cpuMs / rows['axios (default)'].cpuMs;
    console.log(`  node:http / axios CPU per call: ${ratio.toFixed(2)}`);
  } finally {
    await stand.close();
  }
})();
