// Bull Board's actions that send messages nobody asked for, or throw away work not yet done, are
// refused unless BULL_BOARD_DANGEROUS_ACTIONS=true; the everyday ones (retry a failed job, remove
// one job, clean finished jobs, pause) stay available.
import { appRoutes } from '@bull-board/api/dist/routes.js';
import { QUEUE } from '../../src/jobs/queues';
import {
  CLEAN_ALL_ROUTE,
  DANGEROUS_ROUTES,
  RETRY_ALL_ROUTE,
  RETRY_JOB_ROUTE,
} from '../../src/http/routes/bull-board-dangerous-actions';
import { finishedJob, stateOf } from './bull-board-jobs';
import { startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

const BOARD = { BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'board-secret' };

function boardClient(app: WebhookTestApp) {
  const headers = {
    authorization: `Basic ${Buffer.from('ops:board-secret').toString('base64')}`,
    origin: app.url,
    'content-type': 'application/json',
  };
  return (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${app.url}/admin/queues/api/queues/${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
}

async function expectRefused(response: Response): Promise<void> {
  expect(response.status).toBe(403);
  expect(((await response.json()) as { message: string }).message).toMatch(/BULL_BOARD_DANGEROUS_ACTIONS=true/);
}

test('every route refused is one Bull Board declares, so an upgrade that renames one fails here', () => {
  const declared = new Set(
    appRoutes.api.flatMap((route) =>
      [route.method].flat().flatMap((method) => [route.route].flat().map((path) => `${method} ${path}`)),
    ),
  );
  for (const route of [...DANGEROUS_ROUTES, CLEAN_ALL_ROUTE, RETRY_ALL_ROUTE, RETRY_JOB_ROUTE]) {
    expect(declared).toContain(route);
  }
});

describe('by default', () => {
  let app: WebhookTestApp;
  let board: ReturnType<typeof boardClient>;
  beforeAll(async () => {
    app = await startWebhookTestApp(BOARD);
    board = boardClient(app);
  });
  afterAll(() => app.stop());

  test('adding a job is refused, so nobody can send a WhatsApp message to any number from the board', async () => {
    const outbound = app.deps.queues[QUEUE.outbound];

    const response = await board('POST', `${QUEUE.outbound}/add`, {
      name: 'send-message',
      data: { to: 'whatsapp:+447700900999', body: 'hello' },
      options: {},
    });

    await expectRefused(response);
    expect(await outbound.count()).toBe(0);
  });

  test("editing a job's data is refused", async () => {
    const queue = app.deps.queues[QUEUE.proactive];
    const jobId = await finishedJob(queue, app.redis, 'failed');

    const response = await board('PATCH', `${QUEUE.proactive}/${jobId}/update-data`, { jobData: { to: 'elsewhere' } });

    await expectRefused(response);
    expect((await queue.getJob(jobId))?.data).toEqual({ note: 'made by a Bull Board test' });
  });

  test('emptying a queue and obliterating it are refused', async () => {
    const queue = app.deps.queues[QUEUE.preferenceUpdate];
    await queue.add('board-test', {});
    await queue.pause(); // obliterate needs a paused queue: the refusal must not rest on that

    await expectRefused(await board('PUT', `${QUEUE.preferenceUpdate}/empty`));
    await expectRefused(await board('PUT', `${QUEUE.preferenceUpdate}/obliterate`, { force: true }));

    expect(await queue.count()).toBe(1);
    await queue.resume();
  });

  test('cleaning waiting or delayed jobs is refused; cleaning completed or failed ones is allowed', async () => {
    const queue = app.deps.queues[QUEUE.inbound];
    await queue.add('board-test', {});

    await expectRefused(await board('PUT', `${QUEUE.inbound}/clean/wait`));
    await expectRefused(await board('PUT', `${QUEUE.inbound}/clean/delayed`));
    expect(await queue.getWaitingCount()).toBe(1);
    // Bull Board cleans only jobs finished over 5 s ago, so a success here removes nothing yet.
    expect((await board('PUT', `${QUEUE.inbound}/clean/completed`)).status).toBe(200);
    expect((await board('PUT', `${QUEUE.inbound}/clean/failed`)).status).toBe(200);
  });

  test('retrying a completed job is refused (it would send again); retrying a failed one is allowed', async () => {
    const queue = app.deps.queues[QUEUE.outboxRelay];
    const completed = await finishedJob(queue, app.redis, 'completed');
    const failed = await finishedJob(queue, app.redis, 'failed');

    await expectRefused(await board('PUT', `${QUEUE.outboxRelay}/${completed}/retry`));
    await expectRefused(await board('PUT', `${QUEUE.outboxRelay}/retry/completed`));
    expect(await stateOf(queue, completed)).toBe('completed');

    expect((await board('PUT', `${QUEUE.outboxRelay}/${failed}/retry`)).status).toBe(204);
    expect(await stateOf(queue, failed)).toBe('waiting');
  });

  test('removing one job is allowed', async () => {
    const queue = app.deps.queues[QUEUE.outboxRetention];
    const jobId = await finishedJob(queue, app.redis, 'failed');

    expect((await board('PUT', `${QUEUE.outboxRetention}/${jobId}/clean`)).status).toBe(204);
    expect(await queue.getJob(jobId)).toBeUndefined();
  });

  test('the board hides its retry button on completed jobs', async () => {
    const { queues } = (await (await board('GET', '')).json()) as {
      queues: Array<{ allowRetries: boolean; allowCompletedRetries: boolean }>;
    };
    expect(queues.every((queue) => queue.allowRetries && !queue.allowCompletedRetries)).toBe(true);
  });
});

describe('with BULL_BOARD_DANGEROUS_ACTIONS=true', () => {
  let app: WebhookTestApp;
  let board: ReturnType<typeof boardClient>;
  beforeAll(async () => {
    app = await startWebhookTestApp({ ...BOARD, BULL_BOARD_DANGEROUS_ACTIONS: 'true' });
    board = boardClient(app);
  });
  afterAll(() => app.stop());

  test('an operator can add a job and empty a queue', async () => {
    const queue = app.deps.queues[QUEUE.preferenceUpdate];

    const added = await board('POST', `${QUEUE.preferenceUpdate}/add`, { name: 'board-test', data: {}, options: {} });
    expect(added.status).toBe(200);
    expect(await queue.getWaitingCount()).toBe(1);

    expect((await board('PUT', `${QUEUE.preferenceUpdate}/empty`)).status).toBe(200);
    expect(await queue.getWaitingCount()).toBe(0);
  });

  test('an operator can retry a completed job', async () => {
    const queue = app.deps.queues[QUEUE.outboxRelay];
    const completed = await finishedJob(queue, app.redis, 'completed');

    expect((await board('PUT', `${QUEUE.outboxRelay}/${completed}/retry`)).status).toBe(204);
    expect(await stateOf(queue, completed)).toBe('waiting');
  });

  test('the cross-origin check still applies', async () => {
    const response = await fetch(`${app.url}/admin/queues/api/queues/${QUEUE.preferenceUpdate}/add`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('ops:board-secret').toString('base64')}`,
        origin: 'https://evil.example',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'board-test', data: {}, options: {} }),
    });
    expect(response.status).toBe(403);
    expect(await app.deps.queues[QUEUE.preferenceUpdate].count()).toBe(0);
  });
});
