// Every Lua script touches keys of one hash slot, as a Redis Cluster requires: each script is
// listed here, run through the code that names its keys, on a real cluster.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { redisKeys } from '../../src/jobs/redis-keys';
import {
  CrossSlotError,
  forgetSenderScript,
  reserveSendScript,
  rememberSentScript,
  SCRIPTS,
  takeIdleLockScript,
  takeTurnScript,
} from '../../src/jobs/redis-scripts';
import { makeArrivalRecorder } from '../../src/jobs/sender-arrival';
import { finishTurn, releaseLock, renewLock, skipArrival, takeTurn, turnId } from '../../src/jobs/sender-lane';
import { turnEffects } from '../../src/conversation-runtime/turn-effects';
import { makeTestCluster } from '../support/redis-cluster-client';
import { deletePrefix, testPrefix } from '../support/redis';

const LUA_DIR = path.join(__dirname, '../../src/jobs/lua');
const ALICE = '+447700900001';
const BOB = '+447700900002';
const sid = (n: number) => `SM${String(n).padStart(32, '0')}`;

let cluster: Cluster;
let prefix: string;
let keys: ReturnType<typeof redisKeys>;
/** The keys of every script call the cluster received, by script body. */
const calls: Array<{ sha: string; keys: string[] }> = [];

beforeAll(async () => {
  cluster = makeTestCluster();
  prefix = testPrefix();
  keys = redisKeys(prefix);
  await cluster.ping();
  // Watch every script call: EVALSHA/EVAL name their key count first, then the keys.
  const send = cluster.sendCommand.bind(cluster);
  cluster.sendCommand = ((command: { name: string; args: Array<string | Buffer | number> }, ...rest: unknown[]) => {
    if (command.name === 'evalsha' || command.name === 'eval') {
      const count = Number(command.args[1]);
      const script = String(command.args[0]);
      const sha = command.name === 'eval' ? sha1(script) : script;
      calls.push({ sha, keys: command.args.slice(2, 2 + count).map(String) });
    }
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof cluster.sendCommand;
});

afterAll(async () => {
  await deletePrefix(cluster, prefix);
  await cluster.quit();
});

test('every .lua file is a script the service defines, and the other way round', () => {
  const files = readdirSync(LUA_DIR)
    .filter((file) => file.endsWith('.lua'))
    .map((file) => file.replace(/\.lua$/, ''));
  expect(files.sort()).toEqual(Object.values(SCRIPTS).sort());
});

test('a fixed key count in a name matches the KEYS the script reads', () => {
  for (const file of Object.values(SCRIPTS)) {
    const count = /-(\d+)$/.exec(file)?.[1];
    if (count === undefined) continue;
    const lua = readFileSync(path.join(LUA_DIR, `${file}.lua`), 'utf8');
    const highest = Math.max(...[...lua.matchAll(/KEYS\[(\d+)\]/g)].map((match) => Number(match[1])));
    expect({ file, highest }).toEqual({ file, highest: Number(count) });
  }
});

test('a script given keys of two slots is refused before anything reaches Redis', async () => {
  const mixed = [keys.senderNext(ALICE), keys.senderNext(BOB)];
  expect(calculateSlot(mixed[0]!)).not.toBe(calculateSlot(mixed[1]!));
  await expect(
    takeIdleLockScript(
      cluster,
      { next: mixed[0]!, sequence: keys.senderSequence(ALICE), lock: mixed[1]! },
      { token: 't', lockTtlMs: 1000 },
    ),
  ).rejects.toThrow(CrossSlotError);
  await expect(
    takeTurnScript(
      cluster,
      {
        next: keys.senderNext(ALICE),
        lock: keys.senderLock(ALICE),
        done: keys.inboundDone(BOB, sid(1)),
        messageSequence: keys.messageSequence(ALICE, sid(1)),
        arrivals: keys.senderArrivals(ALICE),
        minute: keys.senderMinute(ALICE, 1),
        conversation: keys.conversation(ALICE),
        snapshot: keys.inboundSnapshot(ALICE, sid(1)),
        effects: keys.inboundEffects(ALICE, sid(1)),
      },
      { token: 't', lockTtlMs: 1000, messageSid: sid(1), minuteTtlSeconds: 60 },
    ),
  ).rejects.toThrow(CrossSlotError);
});

test('each script, called as the service calls it, runs on a cluster with keys of one slot', async () => {
  // Arrivals of two senders in one batch: one call per slot.
  const record = makeArrivalRecorder(cluster, keys);
  expect(
    await Promise.all([
      record({ phone: ALICE, messageSid: sid(1) }),
      record({ phone: BOB, messageSid: sid(2) }),
      record({ phone: ALICE, messageSid: sid(3) }),
    ]),
  ).toEqual([1, 1, 2]);

  // A turn: take it, record an effect, renew the lock, finish it; then skip a missing arrival.
  const turn = await takeTurn(cluster, keys, { phone: ALICE, messageSid: sid(1) }, 'token-a', 10_000);
  expect(turn).toMatchObject({ kind: 'run', arrival: 1 });
  const effects = turnEffects(cluster, keys, ALICE, turnId(sid(1), 0));
  effects.keepSnapshot('{}');
  await effects.record(0, 'sent');
  expect(await renewLock(cluster, keys, ALICE, 'token-a', 10_000)).toBe(true);
  const finished = await finishTurn(
    cluster,
    keys,
    { phone: ALICE, messageSid: sid(1), arrival: 1, generation: 0, receivedAtMs: Date.now() },
    'token-a',
    { state: undefined, result: 'processed', sent: [{ at: Date.now(), sid: sid(9) }] },
  );
  expect(finished.owned).toBe(true);
  expect(await skipArrival(cluster, keys, ALICE, 2)).toBe(true);
  const bob = await takeTurn(cluster, keys, { phone: BOB, messageSid: sid(2) }, 'token-b', 10_000);
  expect(bob).toMatchObject({ kind: 'run' });
  await releaseLock(cluster, keys, BOB, 'token-b');

  // A claim update between two turns, a send's bookkeeping, the global send rate, erasure.
  const lane = keys.laneOf(keys.senderId(BOB));
  expect(
    await takeIdleLockScript(
      cluster,
      { next: lane.next, sequence: lane.sequence, lock: lane.lock },
      { token: 'claim', lockTtlMs: 1000 },
    ),
  ).toBe('behind'); // Bob's message was let go unfinished: it still waits for its turn.
  await rememberSentScript(cluster, keys.sentTo(`whatsapp:${BOB}`), { at: 1, sid: sid(9), keep: 5, ttlSeconds: 60 });
  expect(await reserveSendScript(cluster, keys.sendRate(), { intervalMs: 10, burstMs: 0 })).toBeGreaterThanOrEqual(0);
  const id = keys.senderId(ALICE);
  expect(
    await forgetSenderScript(
      cluster,
      {
        sequence: keys.laneOf(id).sequence,
        lock: keys.laneOf(id).lock,
        conversation: keys.ofSender(id)[0]!,
        others: [...keys.ofSender(id).slice(1), keys.senderMinuteOf(id, 1)],
      },
      { arrival: 3 },
    ),
  ).toBe('forgotten');

  // Every script was called, each call's keys in one slot.
  const shas = new Map(
    Object.values(SCRIPTS).map((file) => [sha1(readFileSync(path.join(LUA_DIR, `${file}.lua`), 'utf8')), file]),
  );
  const seen = new Set(calls.map((call) => shas.get(call.sha)));
  expect([...seen].sort()).toEqual(Object.values(SCRIPTS).sort());
  for (const call of calls) {
    expect(new Set(call.keys.map((key) => calculateSlot(key))).size).toBe(1);
  }
});

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
