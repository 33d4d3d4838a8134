import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wakeOutboxRelay } from '../../src/events';
import { OUTBOX_QUEUES, startWorkers, type WorkerHandle } from '../../src/jobs/register';
import { signWebhook } from '../../src/outbox/webhook-signature';
import { appendEvent } from '../../src/repos/outbox';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { eventually } from '../support/eventually';
import { registeredEvent } from '../support/events';

const SECRET = `whsec_${Buffer.from('outbox-http-secret-for-tests').toString('base64')}`;
let server: Server;
let t: TestDeps;
let handle: WorkerHandle | undefined;
const received: Array<{ headers: IncomingHttpHeaders; body: string; status: number }> = [];
let statuses: number[];

beforeEach(async () => {
  received.length = 0;
  statuses = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      received.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  t = await makeTestDeps(makeFakeTwilio(), {
    env: { OUTBOX_TRANSPORT: 'http', OUTBOX_HTTP_URL: url, OUTBOX_HTTP_SECRET: SECRET },
  });
});
afterEach(async () => {
  await handle?.close();
  handle = undefined;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

test('with OUTBOX_TRANSPORT=http a 503 is retried with backoff and the event then delivered, signed', async () => {
  statuses = [503];
  handle = startWorkers(t.deps, { outbox: { sweepEveryMs: 250 }, queues: OUTBOX_QUEUES });
  await handle.ready();
  const { id } = await appendEvent(t.deps.db, registeredEvent({ userId: randomUUID() }));

  await wakeOutboxRelay(t.deps.queues);
  // Published is recorded after the consumer answered: wait for the row, not for the request.
  const state = async () =>
    (
      await t.deps.db.query<{ attempts: number; published: boolean }>(
        `select attempts, published_at is not null as published from whatsapp_handler.outbox_events where id = $1::uuid`,
        [id],
      )
    ).rows[0]!;
  await eventually(async () => expect((await state()).published).toBe(true), { what: 'the event published' });

  expect(received.map((r) => [r.headers['webhook-id'], r.status])).toEqual([
    [id, 503],
    [id, 200],
  ]);
  const delivered = received[1]!;
  const timestamp = Number(delivered.headers['webhook-timestamp']);
  expect(delivered.headers['webhook-signature']).toBe(signWebhook(SECRET, id, timestamp, delivered.body));
  expect(await state()).toEqual({ attempts: 1, published: true });
});
