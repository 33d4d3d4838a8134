// bench:e2e's traffic: signed webhooks over keep-alive connections, waiting for the replies at
// the stand-in, and waiting until a stack's queues are idle.
const { randomBytes } = require('node:crypto');
const http = require('node:http');
const twilio = require('twilio');
const { ACCOUNT_SID, AUTH_TOKEN, BOT, queueKey, queueOfMeta } = require('./e2e-stack');
const { scanKeys } = require('./support');

// Webhooks in flight at once, over keep-alive connections (as Twilio's many senders would be).
const CONNECTIONS = 100;
const WEBHOOK_PATH = '/webhooks/twilio/whatsapp';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

/**
 * One signed inbound WhatsApp message, with media ({ url, contentType } items, registered under
 * `messageSid`) if any; resolves once the webhook answered 200.
 */
function sendInbound(stack, from, body, { media = [], messageSid = `SM${randomBytes(16).toString('hex')}` } = {}) {
  const params = {
    MessageSid: messageSid,
    AccountSid: ACCOUNT_SID,
    From: `whatsapp:${from}`,
    To: `whatsapp:${BOT}`,
    Body: body,
    NumMedia: String(media.length),
    ProfileName: 'Bench',
    WaId: from.slice(1),
  };
  media.forEach((item, i) => {
    params[`MediaUrl${i}`] = item.url;
    params[`MediaContentType${i}`] = item.contentType;
  });
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${stack.baseUrl}${WEBHOOK_PATH}`, params);
  const form = new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: stack.port,
        path: WEBHOOK_PATH,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(form),
          'x-twilio-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`webhook answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}

/**
 * Every phone sends `script`, one message after the other, all phones at once; resolves with the
 * seconds from the first webhook until the stand-in has `script.length` messages for each phone,
 * and the time (ms) by which every webhook had been answered.
 */
async function carry(stack, standIn, phones, script, timeoutMs) {
  const started = performance.now();
  const expected = phones.length * script.length;
  await Promise.all(
    phones.map(async (phone) => {
      for (const body of script) await sendInbound(stack, phone, body);
    }),
  );
  const accepted = Date.now();
  const deadline = Date.now() + timeoutMs;
  let got;
  while ((got = await standIn.count(phones)) < expected) {
    if (Date.now() > deadline) throw new Error(`${stack.kind}: ${got} of ${expected} replies after ${timeoutMs} ms`);
    await sleep(20);
  }
  return { seconds: (performance.now() - started) / 1000, accepted };
}

/**
 * Waits until no job of the stack's queues is waiting or running (the delivery callbacks of the
 * last replies are still being handled when the last reply arrives), so the next round starts
 * on an idle machine. The outbox's scheduled jobs are left out: they come back every few seconds.
 * `redis` is a Redis or a Cluster client, whichever the stack runs on.
 */
async function settle(redis, stack, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let idlePolls = 0;
  // The queues are found once (a SCAN walks all of Redis, every master of a cluster); the round
  // just run has used them all.
  if (stack.queues === undefined) {
    const metas = await scanKeys(redis, `${stack.prefix}:*:meta`);
    stack.queues = metas.map((key) => queueOfMeta(stack.prefix, key)).filter((queue) => queue !== undefined);
  }
  while (idlePolls < 3 && Date.now() < deadline) {
    // One pipeline per queue: a queue's keys share its hash slot, different queues' need not.
    const counts = await Promise.all(
      stack.queues
        .filter((name) => !name.startsWith('outbox'))
        .map((queue) =>
          redis
            .pipeline()
            .llen(queueKey(stack.prefix, queue, 'wait'))
            .llen(queueKey(stack.prefix, queue, 'active'))
            .zcard(queueKey(stack.prefix, queue, 'prioritized'))
            .exec(),
        ),
    );
    const busy = counts.flat().reduce((sum, [error, n]) => {
      if (error) throw error;
      return sum + n;
    }, 0);
    idlePolls = busy === 0 ? idlePolls + 1 : 0;
    await sleep(100);
  }
}

module.exports = { sleep, sendInbound, carry, settle, agent };
