// Redis as bench:e2e's soak round reads it: INFO memory's used_memory (all of Redis), and the keys
// under one prefix sorted into BullMQ's (any key of a queue) and the service's own, by kind (the
// name after the prefix: inbound-done, conversation, ...), each with its count, its MEMORY USAGE
// sum and the longest TTL left. On a Redis Cluster (an ioredis Cluster client) every master is
// scanned and asked about its own keys, and used_memory is the masters' sum.
const { Cluster } = require('ioredis');
const { queueKey, queueOfMeta } = require('./e2e-stack');
const { scanEach } = require('./support');

const BATCH = 500;

/** The keys under the prefix, each batch with the node that holds it: [{ node, keys }]. */
async function scanPrefix(redis, prefix) {
  const batches = [];
  await scanEach(redis, `${prefix}:*`, (node, keys) => {
    for (let i = 0; i < keys.length; i += BATCH) batches.push({ node, keys: keys.slice(i, i + BATCH) });
  });
  return batches;
}

async function snapshot(redis, prefix) {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const memory = await Promise.all(nodes.map((node) => node.info('memory')));
  const usedMemory = memory.reduce((sum, info) => sum + Number(/used_memory:(\d+)/.exec(info)[1]), 0);
  const batches = await scanPrefix(redis, prefix);
  const keys = batches.flatMap((batch) => batch.keys);
  const queues = new Set(keys.map((key) => queueOfMeta(prefix, key)).filter((queue) => queue !== undefined));
  // BullMQ's keys of a queue all start with `<queue prefix>:<queue>:`.
  const bullHeads = [...queues].map((queue) => queueKey(prefix, queue, ''));
  const bull = { keys: 0, bytes: 0, completed: {} };
  const kinds = {};
  for (const { node, keys: batch } of batches) {
    // Each key is asked on the master that holds it (a pipeline of one-key commands).
    const pipeline = node.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key).pttl(key);
    const answers = await pipeline.exec();
    batch.forEach((key, j) => {
      const bytes = Number(answers[2 * j][1] ?? 0);
      const ttlMs = Number(answers[2 * j + 1][1]);
      const kind = key.slice(prefix.length + 1).split(':')[0];
      if (bullHeads.some((head) => key.startsWith(head))) {
        bull.keys++;
        bull.bytes += bytes;
        return;
      }
      const entry = (kinds[kind] ??= { keys: 0, bytes: 0, maxTtlMs: -2, noTtl: 0 });
      entry.keys++;
      entry.bytes += bytes;
      if (ttlMs === -1) entry.noTtl++;
      entry.maxTtlMs = Math.max(entry.maxTtlMs, ttlMs);
    });
  }
  for (const queue of queues) bull.completed[queue] = await redis.zcard(queueKey(prefix, queue, 'completed'));
  return { usedMemory, keys: keys.length, bull, kinds };
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const cell = (entry) => (entry ? `${entry.keys} (${kib(entry.bytes)})` : '0');

/**
 * Prints the three snapshots side by side: the service's own keys grouped by how long they live
 * (a kind whose keys all expire within the finished-message TTL is per message), then BullMQ's;
 * then whether the per-message keys went back where they started, and what remains. Returns
 * that yes or no.
 */
function report(snapshots, labels, finishedTtlSeconds, senders) {
  const row = (name, value) =>
    console.log(`  ${name.padEnd(44)}${snapshots.map((s) => value(s).padStart(18)).join('')}`);
  console.log(`  ${''.padEnd(44)}${labels.map((label) => label.padStart(18)).join('')}`);
  row('used_memory (all of Redis)', (s) => mib(s.usedMemory));
  row('keys under the prefix', (s) => String(s.keys));
  const kinds = [...new Set(snapshots.flatMap((s) => Object.keys(s.kinds)))].sort();
  const longest = (kind) => Math.max(...snapshots.map((s) => s.kinds[kind]?.maxTtlMs ?? -2));
  const noTtl = (kind) => snapshots.some((s) => (s.kinds[kind]?.noTtl ?? 0) > 0);
  const perMessage = kinds.filter((kind) => !noTtl(kind) && longest(kind) <= finishedTtlSeconds * 1000);
  const longer = kinds.filter((kind) => !noTtl(kind) && !perMessage.includes(kind));
  const groups = [
    [`service, per message (TTL <= ${finishedTtlSeconds} s)`, perMessage],
    ['service, longer TTL', longer],
    ['service, no TTL', kinds.filter(noTtl)],
  ];
  const total = (s, group) => ({
    keys: group.reduce((sum, kind) => sum + (s.kinds[kind]?.keys ?? 0), 0),
    bytes: group.reduce((sum, kind) => sum + (s.kinds[kind]?.bytes ?? 0), 0),
  });
  for (const [title, group] of groups) {
    if (group.length === 0) continue;
    row(title, (s) => cell(total(s, group)));
    for (const kind of group) {
      const ttl = longest(kind) > 0 ? ` (TTL <= ${Math.ceil(longest(kind) / 1000)} s)` : '';
      row(`  ${kind}${ttl}`, (s) => cell(s.kinds[kind]));
    }
  }
  row('BullMQ, all keys of its queues', (s) => cell(s.bull));
  const queues = [...new Set(snapshots.flatMap((s) => Object.keys(s.bull.completed)))]
    .filter((queue) => snapshots.some((s) => s.bull.completed[queue] > 0))
    .sort();
  for (const queue of queues) row(`  completed jobs kept, ${queue}`, (s) => String(s.bull.completed[queue] ?? 0));

  const [before, after, expired] = snapshots;
  const [messagesBefore, messagesAfter, messagesExpired] = snapshots.map((s) => total(s, perMessage));
  const [longerBefore, , longerExpired] = snapshots.map((s) => total(s, longer));
  const back = perMessage.length > 0 && messagesExpired.keys <= messagesBefore.keys;
  const outcome =
    perMessage.length === 0
      ? `none of the service's keys expires within ${finishedTtlSeconds} s`
      : `service's per-message keys ${messagesBefore.keys} -> ${messagesAfter.keys} -> ${messagesExpired.keys} ` +
        `(${back ? 'back where they started' : 'NOT back where they started'})`;
  console.log(
    `  ${outcome}; used_memory ${labels[2]} / ${labels[0]} ` +
      `${(expired.usedMemory / before.usedMemory).toFixed(2)} (${kib(expired.usedMemory - before.usedMemory)} more; ` +
      `the round's peak was ${kib(after.usedMemory - before.usedMemory)} more)`,
  );
  console.log(
    `  what remains: the service's longer-lived keys +${longerExpired.keys - longerBefore.keys} ` +
      `(${kib(longerExpired.bytes - longerBefore.bytes)}) for ${senders} new senders; BullMQ's keys ` +
      `+${expired.bull.keys - before.bull.keys} (${kib(expired.bull.bytes - before.bull.bytes)})`,
  );
  return back;
}

/**
 * How many times BullMQ handed each of the queue's last `count` completed jobs to a worker, on
 * average (its attemptsStarted, "ats"): 1 unless a job went back to wait for its turn.
 */
async function pickUps(redis, prefix, queue, count) {
  const ids = await redis.zrevrange(queueKey(prefix, queue, 'completed'), 0, count - 1);
  if (ids.length === 0) return NaN;
  // A job's hash is `<queue prefix>:<queue>:<id>`, in the queue's slot like the rest of it.
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(queueKey(prefix, queue, id), 'ats');
  const answers = await pipeline.exec();
  return answers.reduce((sum, [, ats]) => sum + Number(ats ?? 1), 0) / ids.length;
}

module.exports = { snapshot, report, pickUps };
