// The minimal pipeline bench:e2e measures the service against, in the same run and with the
// same number of processes: `node bench/e2e-baseline.js web` is a plain node:http server that
// checks Twilio's signature (twilio.validateRequest) and does Queue.add with jobId = MessageSid;
// `node bench/e2e-baseline.js worker` runs a BullMQ Worker whose processor makes one POST per
// message to the stand-in's Messages endpoint. No conversation, no ordering, no database. Its
// queue has the service's key shape (queuePrefix, from the build under test), so it runs on a
// Redis Cluster as well: with REDIS_CLUSTER_NODES set it connects there instead of REDIS_URL.
const http = require('node:http');
const { Queue, Worker } = require('bullmq');
const { Cluster, Redis } = require('ioredis');
const { validateRequest } = require('twilio/lib/webhooks/webhooks');
const { inboundJobOptions, queuePrefix } = require('./e2e-stack');

const {
  PORT = '0',
  REDIS_URL = 'redis://127.0.0.1:6379',
  REDIS_CLUSTER_NODES,
  REDIS_KEY_PREFIX,
  PUBLIC_BASE_URL,
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_API_BASE_URL,
  TWILIO_WHATSAPP_FROM,
  WORKER_CONCURRENCY = '16',
} = process.env;
const QUEUE = 'inbound-messages';
const PREFIX = queuePrefix(REDIS_KEY_PREFIX, QUEUE);
// The service's own options for its inbound queue (src/jobs/queues.ts), so both keep the same job
// records in Redis.
const JOB_OPTIONS = inboundJobOptions;

/** One Redis (REDIS_URL), or the cluster REDIS_CLUSTER_NODES names ("host:port,..."). */
function connect(options) {
  if (!REDIS_CLUSTER_NODES) return new Redis(REDIS_URL, options);
  const nodes = REDIS_CLUSTER_NODES.split(',').map((node) => {
    const [host, port] = node.split(':');
    return { host, port: Number(port) };
  });
  return new Cluster(nodes, { redisOptions: options });
}

function web() {
  const connection = connect({ maxRetriesPerRequest: 1 });
  const queue = new Queue(QUEUE, { connection, prefix: PREFIX, defaultJobOptions: JOB_OPTIONS });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      if (!validateRequest(TWILIO_AUTH_TOKEN, req.headers['x-twilio-signature'], PUBLIC_BASE_URL + req.url, params)) {
        res.writeHead(403).end();
        return;
      }
      await queue.add('inbound-message', params, { jobId: params.MessageSid });
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    });
  });
  server.listen(Number(PORT), '127.0.0.1', () =>
    console.log(`baseline web listening on port ${server.address().port}`),
  );
  return async () => {
    server.close();
    await queue.close();
    connection.disconnect();
  };
}

function worker() {
  const connection = connect({ maxRetriesPerRequest: null });
  const messagesUrl = `${TWILIO_API_BASE_URL}/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${TWILIO_ACCOUNT_SID}:${TWILIO_AUTH_TOKEN}`).toString('base64')}`;
  const processor = async (job) => {
    const response = await fetch(messagesUrl, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: job.data.From, From: TWILIO_WHATSAPP_FROM, Body: `Got: ${job.data.Body}` }),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`Messages answered ${response.status}`);
  };
  const consumer = new Worker(QUEUE, processor, {
    connection,
    prefix: PREFIX,
    concurrency: Number(WORKER_CONCURRENCY),
  });
  consumer.on('error', (error) => console.error(`baseline worker error: ${error.message}`));
  consumer.waitUntilReady().then(() => console.log('baseline worker ready'));
  return async () => {
    await consumer.close();
    connection.disconnect();
  };
}

const stop = process.argv[2] === 'worker' ? worker() : web();
process.on('SIGTERM', async () => {
  await stop();
  process.exit(0);
});
