// The one log line per request never carries a full phone number, whatever a caller puts in the
// path: both the Express app's routes and the node:http webhook front use the same logger.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeRequestListener } from '../../src/http/app';
import { makeRequestLogger } from '../../src/http/middleware/request-log';
import { makeMetrics } from '../../src/observability/metrics';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { eventually } from '../support/eventually';
import { captureLogs, type LogLines } from '../support/log-lines';

const NUMBER = '447700990000';
let t: TestDeps;
let logs: LogLines;
let servers: Server[] = [];

beforeEach(async () => {
  logs = captureLogs('debug');
  t = await makeTestDeps(makeFakeTwilio());
});
afterEach(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  servers = [];
  await t.close();
});

async function serve(listener: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function loggedPath(url: string, path: string): Promise<unknown> {
  await (await fetch(`${url}${path}`)).arrayBuffer();
  const line = await eventually(
    () => {
      const found = logs.lines().find((entry) => entry.msg === 'request');
      expect(found).toBeDefined();
      return found!;
    },
    { what: 'the request log line' },
  );
  return line.path;
}

test.each([
  [`/api/v1/users/+${NUMBER}`, '/api/v1/users/+44******0000'],
  [`/api/v1/users/%2B${NUMBER}`, '/api/v1/users/+44******0000'],
  [`/api/v1/users/%2b${NUMBER}/journeys`, '/api/v1/users/+44******0000/journeys'],
])('the Express app logs %s with the number masked', async (path, masked) => {
  const url = await serve(makeRequestListener({ ...t.deps, logger: logs.logger }));

  expect(await loggedPath(url, path)).toBe(masked);
  expect(logs.text()).not.toContain(NUMBER);
});

test('the node:http request logger masks the number too, encoded + included, and drops the query', async () => {
  const logRequest = makeRequestLogger({ logger: logs.logger, metrics: makeMetrics() });
  const url = await serve((req, res) => {
    logRequest(req, res);
    res.writeHead(204).end();
  });

  expect(await loggedPath(url, `/webhooks/twilio/%2B${NUMBER}?From=whatsapp%3A%2B${NUMBER}`)).toBe(
    '/webhooks/twilio/+44******0000',
  );
  expect(logs.text()).not.toContain(NUMBER);
});
