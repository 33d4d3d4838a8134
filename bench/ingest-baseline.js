// The baseline the web process is measured against: the least a webhook can do (node:http,
// twilio.validateRequest, Queue.add with jobId = MessageSid) and nothing else. Its queue has the
// service's key shape (queuePrefix: the queue's name in braces after the prefix).
const http = require('node:http');
const { Queue } = require('bullmq');
const { Redis } = require('ioredis');
const { validateRequest } = require('twilio/lib/webhooks/webhooks');
const { queuePrefix } = require('../dist/jobs/queues');

const { PORT = '0', REDIS_URL = 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX, AUTH_TOKEN, PUBLIC_BASE_URL } = process.env;
const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const QUEUE = 'inbound-messages';
const queue = new Queue(QUEUE, { connection, prefix: queuePrefix(REDIS_KEY_PREFIX, QUEUE) });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
    if (!validateRequest(AUTH_TOKEN, req.headers['x-twilio-signature'], PUBLIC_BASE_URL + req.url, params)) {
      res.writeHead(403).end();
      return;
    }
    await queue.add('inbound-message', params, { jobId: params.MessageSid });
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
  });
});
server.listen(Number(PORT), () => console.log(`baseline listening on port ${server.address().port}`));
process.on('SIGTERM', async () => {
  server.close();
  await queue.close();
  connection.disconnect();
  process.exit(0);
});
