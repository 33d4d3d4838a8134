import { JOB, QUEUE } from '../../../src/jobs/queues';
import { makeMessageStatusProcessor } from '../../../src/jobs/processors/message-status';
import { makeFakeTwilio } from '../fake-twilio';
import { makeTestDeps, type TestDeps } from '../test-deps';

const SID = `SM${'a'.repeat(32)}`;

describe('message-status processor', () => {
  let t: TestDeps;

  beforeEach(async () => {
    t = await makeTestDeps(makeFakeTwilio());
  });
  afterEach(() => t.close());

  it('counts a delivery status once when the same callback job runs twice', async () => {
    const job = await t.deps.queues[QUEUE.messageStatus].add(
      JOB.messageStatus,
      { messageSid: SID, messageStatus: 'delivered', receivedAt: new Date().toISOString() },
      { jobId: `${SID}-delivered` },
    );
    const process = makeMessageStatusProcessor(t.deps);

    const first = await process(job);
    const second = await process(job);

    expect(first).toEqual({ counted: true });
    expect(second).toEqual({ counted: false });
    expect((await t.deps.metrics.deliveryStatus.get()).values).toEqual([
      expect.objectContaining({ labels: { status: 'delivered' }, value: 1 }),
    ]);
  });

  it('counts each distinct status of a message', async () => {
    const process = makeMessageStatusProcessor(t.deps);
    const results = [];
    for (const status of ['sent', 'delivered', 'read']) {
      const job = await t.deps.queues[QUEUE.messageStatus].add(JOB.messageStatus, {
        messageSid: SID,
        messageStatus: status,
        receivedAt: new Date().toISOString(),
      });
      results.push(await process(job));
    }

    expect(results).toEqual([{ counted: true }, { counted: true }, { counted: true }]);
  });

  it('counts a failed or undelivered message by its error code, once', async () => {
    const process = makeMessageStatusProcessor(t.deps);
    const statuses = [
      { messageSid: SID, messageStatus: 'undelivered', errorCode: '63024' },
      { messageSid: SID, messageStatus: 'undelivered', errorCode: '63024' },
      { messageSid: `SM${'b'.repeat(32)}`, messageStatus: 'failed' },
    ];
    for (const status of statuses) {
      const job = await t.deps.queues[QUEUE.messageStatus].add(JOB.messageStatus, {
        ...status,
        receivedAt: new Date().toISOString(),
      });
      await process(job);
    }

    expect((await t.deps.metrics.outboundFailures.get()).values).toEqual([
      expect.objectContaining({ labels: { kind: 'undelivered', error_code: '63024' }, value: 1 }),
      expect.objectContaining({ labels: { kind: 'undelivered', error_code: 'none' }, value: 1 }),
    ]);
  });
});
