// A Redis Cluster master dies mid-burst (SIGKILL, no goodbye) and its replica takes over: every
// message the web process acknowledged is handled, every reply sent once and in order. The
// cluster is this test's own (the run's shared one must not lose a master under other tests).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { QUEUE, queuePrefix } from '../../src/jobs/queues';
import { eventually } from '../support/eventually';
import { expectedReplies, repliesBySender, SCRIPT, senders, untilReplies, untilSettled } from './bursts';
import { startStack, type Stack } from './stack';
import { newMessageSid } from './webhook-client';

const run = promisify(execFile);
const CLUSTER_SCRIPT = path.join(__dirname, '../../scripts/redis-cluster.mjs');

describe('a Redis Cluster failover mid-burst', () => {
  let dir: string;
  let nodes: string;
  let stack: Stack;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wh-failover-'));
    const { stdout } = await run(process.execPath, [CLUSTER_SCRIPT, 'up', '--dir', dir], { timeout: 40_000 });
    nodes = /REDIS_CLUSTER_NODES=(\S+)/.exec(stdout)![1]!;
    stack = await startStack({ redis: 'cluster', clusterNodes: nodes, workers: 2 });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await run(process.execPath, [CLUSTER_SCRIPT, 'down', '--dir', dir], { timeout: 30_000 });
  }, 60_000);

  /** The pid of the master serving a key's slot, by the client's slot map. */
  function masterPidOf(key: string): { node: string; pid: number } {
    const cluster = stack.redis as Cluster;
    const node = cluster.slots[calculateSlot(key)]![0]!;
    const state = JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as {
      nodes: string[];
      pids: number[];
    };
    return { node, pid: state.pids[state.nodes.indexOf(node)]! };
  }

  it('loses no acknowledged message and sends no reply twice', async () => {
    const phones = senders(30, 500);
    const inboundKey = `${queuePrefix(stack.prefix, QUEUE.inbound)}:${QUEUE.inbound}:wait`;
    const victim = masterPidOf(inboundKey);
    let accepted = 0;
    let refused = 0;
    let killed = false;

    // Each sender sends its script in order; a message not answered 200 is sent again with the
    // same MessageSid, as Twilio retries, until it is. The master of the inbound queue's slot is
    // killed once a third of the messages are in.
    await Promise.all(
      phones.map(async (phone) => {
        for (const body of SCRIPT) {
          const messageSid = newMessageSid();
          for (;;) {
            const status = await stack.webhooks
              .inbound({ from: phone, body, messageSid })
              .then((answer) => answer.status)
              .catch(() => 0);
            if (status === 200) break;
            refused++;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
          accepted++;
          if (!killed && accepted >= (phones.length * SCRIPT.length) / 3) {
            killed = true;
            process.kill(victim.pid, 'SIGKILL');
          }
        }
      }),
    );
    expect(killed).toBe(true);

    await untilReplies(stack, phones, phones.length * SCRIPT.length, 90_000);
    // The replica took over: a command to the slot brings the client's map up to date.
    await eventually(
      async () => {
        await stack.redis.exists(inboundKey);
        expect(masterPidOf(inboundKey).node).not.toBe(victim.node);
      },
      { timeoutMs: 20_000, what: 'a new master for the inbound queue' },
    );
    await untilSettled(stack, 60_000);
    expect(repliesBySender(stack, phones)).toEqual(expectedReplies(phones));
    // Shown in the test's output: how many answers were not 200 while the slot had no master.
    process.stdout.write(`failover: ${accepted} messages accepted, ${refused} answers retried\n`);
  }, 180_000);
});
