// A local Redis Cluster (3 masters, 3 replicas) for developers, jest and CI, built from Debian's
// redis-server and redis-cli alone (no Docker, nothing downloaded). Every node binds 127.0.0.1
// on a port the OS hands out, so several clusters (a developer's and a test run's) can coexist
// with each other and with the main Redis on 6379, which this never touches.
//
//   node scripts/redis-cluster.mjs up [--dir D]      start (or find running) and print
//                                                    REDIS_CLUSTER_NODES=127.0.0.1:p1,...,127.0.0.1:p6
//   node scripts/redis-cluster.mjs down [--dir D]    stop the nodes, remove D
//   node scripts/redis-cluster.mjs status [--dir D]  the nodes and their cluster_state
//
// D defaults to .redis-cluster/ in the project root. The same functions are exported for jest's
// global setup (tests/support/global-setup.ts): startCluster, stopCluster, clusterStatus.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const MASTERS = 3;
const NODE_COUNT = MASTERS * 2;
const TOTAL_SLOTS = 16384;
// The cluster bus listens on the client port + 10000.
const BUS_OFFSET = 10_000;
// Bounds: the whole of `up`, one node answering PING, one node going away on `down`.
const START_TIMEOUT_MS = 30_000;
const NODE_START_TIMEOUT_MS = 5_000;
const NODE_STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 25;
const STATE_FILE = 'cluster.json';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIR = path.join(PROJECT_ROOT, '.redis-cluster');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (node) => Number(node.slice(node.lastIndexOf(':') + 1));

// ---------------------------------------------------------------------------------------------
// A minimal RESP client: one command per connection, enough for PING, INFO, CLUSTER and SHUTDOWN
// without spawning redis-cli each time.

class ReplyError extends Error {}

function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`;
  return out;
}

/** Parses one RESP2 reply at offset: [value, next offset], or null when more bytes are needed. */
function parse(buffer, offset) {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buffer[offset]);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [new ReplyError(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const length = Number(line);
      if (length < 0) return [null, next];
      if (buffer.length < next + length + 2) return null;
      return [buffer.toString('utf8', next, next + length), next + length + 2];
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return [null, next];
      const items = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, at);
        if (item === null) return null;
        items.push(item[0]);
        at = item[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}

/** Sends one command to 127.0.0.1:port; resolves with its reply, rejects on an error reply. */
function command(port, args, { timeoutMs = 2_000 } = {}) {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    let settled = false;
    const socket = net.connect({ host: HOST, port });
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(
      () => finish(new Error(`${HOST}:${port}: no reply to ${args[0]} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(encode(args)));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      let parsed;
      try {
        parsed = parse(buffer, 0);
      } catch (error) {
        return finish(error);
      }
      if (parsed === null) return;
      if (parsed[0] instanceof ReplyError) finish(parsed[0]);
      else finish(null, parsed[0]);
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error(`${HOST}:${port}: connection closed before a reply`)));
  });
}

/** `key:value` lines (INFO, CLUSTER INFO) as an object. */
function fields(text) {
  const out = {};
  for (const line of String(text).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) out[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Processes and ports.

function run(file, args, { timeoutMs }) {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) =>
      resolve({ error, output: `${stdout}${stderr}`.trim() }),
    );
  });
}

function onPath(command) {
  const result = spawnSync(command, ['--version'], { stdio: 'ignore' });
  return !result.error;
}

/** Throws a clear error when Debian's redis-server / redis-cli are not installed. */
export function assertRedisInstalled() {
  const missing = ['redis-server', 'redis-cli'].filter((command) => !onPath(command));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} not found on PATH: the local Redis Cluster needs Debian's redis-server ` +
        `package (apt-get install redis-server, which brings redis-cli; .ci/run installs it)`,
    );
  }
}

/** Whether a process exists and is not a zombie. */
export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  try {
    // A daemonized node's parent is init; if that does not reap it, it lingers as a zombie.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Whether pid is the redis-server of ours on this port (a pid may have been reused since). */
function isOurRedis(pid, port) {
  let commandLine;
  try {
    commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    commandLine = ps.stdout ?? '';
  }
  // redis-server retitles itself "redis-server 127.0.0.1:PORT [cluster]".
  return commandLine.includes('redis-server') && commandLine.includes(`:${port}`);
}

function listen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen({ host: HOST, port, exclusive: true }, () => resolve(server));
  });
}

/**
 * count ports the OS says are free, each with its bus port (port + 10000) free too. The probes
 * stay open until all are chosen, so the ports are distinct; they close before redis binds them.
 */
async function pickPorts(count) {
  const held = [];
  const ports = [];
  try {
    for (let attempt = 0; ports.length < count; attempt++) {
      if (attempt >= 200) throw new Error(`could not find ${count} free port pairs on ${HOST}`);
      const probe = await listen(0);
      if (probe === null) continue;
      held.push(probe);
      const port = probe.address().port;
      if (port + BUS_OFFSET > 65535) continue;
      const bus = await listen(port + BUS_OFFSET);
      if (bus === null) continue;
      held.push(bus);
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
  return ports;
}

function logTail(dir, port, lines = 20) {
  try {
    const text = fs.readFileSync(path.join(dir, String(port), 'redis.log'), 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

class NodeStartError extends Error {
  constructor(message, { portTaken = false } = {}) {
    super(message);
    this.portTaken = portTaken;
  }
}

/** Starts one daemonized node and resolves with its pid once it answers PING. */
async function startNode(dir, port) {
  const nodeDir = path.join(dir, String(port));
  fs.mkdirSync(nodeDir, { recursive: true });
  // Beyond the usual flags: no delay before a replica's first sync (the default waits 5 s for more
  // replicas to share a diskless transfer), and a replication PING every second rather than 10:
  // CLUSTER SLOTS leaves out a replica whose offset is still 0, so until the first PING (or
  // write) reaches it, clients such as ioredis would not see the replicas.
  const args = [
    '--cluster-enabled', 'yes',
    '--cluster-config-file', `nodes-${port}.conf`,
    '--cluster-node-timeout', '2000',
    '--bind', HOST,
    '--port', String(port),
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'yes',
    '--dir', nodeDir,
    '--logfile', path.join(nodeDir, 'redis.log'),
    '--pidfile', path.join(nodeDir, 'redis.pid'),
    '--maxmemory-policy', 'noeviction',
    '--repl-diskless-sync-delay', '0',
    '--repl-ping-replica-period', '1',
  ]; // prettier-ignore
  const started = await run('redis-server', args, { timeoutMs: NODE_START_TIMEOUT_MS });
  if (started.error) {
    throw new NodeStartError(
      `redis-server on ${HOST}:${port} did not start: ${started.output || started.error.message}\n` +
        `--- ${path.join(nodeDir, 'redis.log')} ---\n${logTail(dir, port)}`,
    );
  }
  const deadline = Date.now() + NODE_START_TIMEOUT_MS;
  for (;;) {
    try {
      if ((await command(port, ['PING'], { timeoutMs: 500 })) === 'PONG') break;
    } catch {
      // not listening yet
    }
    const tail = logTail(dir, port);
    const aborted = /aborting|FATAL|Fatal error|Failed listening|Can't chdir|Can't open/.test(tail);
    if (aborted || Date.now() > deadline) {
      throw new NodeStartError(
        `redis-server on ${HOST}:${port} ${aborted ? 'failed' : `did not answer PING within ${NODE_START_TIMEOUT_MS} ms`}\n` +
          `--- ${path.join(nodeDir, 'redis.log')} ---\n${tail}`,
        { portTaken: /already in use/i.test(tail) },
      );
    }
    await sleep(POLL_MS);
  }
  return Number(fields(await command(port, ['INFO', 'server'])).process_id);
}

// redis reports its working directory with symlinks resolved (macOS's /var -> /private/var).
function realpath(dir) {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** Stops one node of ours: SHUTDOWN NOSAVE, then SIGKILL if it lingers. Resolves once it is gone. */
async function stopNode(dir, port, pid) {
  // Only a node started in this directory: a port may since have been taken by another server.
  let ours = false;
  try {
    const [, nodeDir] = await command(port, ['CONFIG', 'GET', 'dir'], { timeoutMs: 1_000 });
    ours = realpath(nodeDir) === realpath(path.join(dir, String(port)));
    if (ours) pid = Number(fields(await command(port, ['INFO', 'server'], { timeoutMs: 1_000 })).process_id);
  } catch {
    // not answering: only the pid is left to go by
  }
  if (ours) {
    // NOW: a master does not wait for lagging replicas (Redis 7); older servers only know NOSAVE.
    for (const args of [
      ['SHUTDOWN', 'NOSAVE', 'NOW'],
      ['SHUTDOWN', 'NOSAVE'],
    ]) {
      try {
        await command(port, args, { timeoutMs: 1_000 });
      } catch (error) {
        if (error instanceof ReplyError && /syntax|arguments/i.test(error.message)) continue;
      }
      break;
    }
  }
  const pidIsOurs = Number.isInteger(pid) && isAlive(pid) && isOurRedis(pid, port);
  if (!pidIsOurs) return;
  const signal = (name) => {
    try {
      process.kill(pid, name);
    } catch {
      // gone already
    }
  };
  // A node that does not answer gets SIGTERM, and any node still there after the grace SIGKILL.
  let sent = ours ? null : 'SIGTERM';
  if (sent) signal(sent);
  let deadline = Date.now() + NODE_STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      if (sent === 'SIGKILL') throw new Error(`redis-server ${pid} (${HOST}:${port}) is still running after SIGKILL`);
      sent = 'SIGKILL';
      signal(sent);
      deadline = Date.now() + 2_000;
    }
    await sleep(POLL_MS);
  }
}

// ---------------------------------------------------------------------------------------------
// State and health.

function readState(dir) {
  try {
    const state = JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), 'utf8'));
    if (Array.isArray(state.nodes) && Array.isArray(state.pids)) return state;
  } catch {
    // absent or unreadable
  }
  return null;
}

function writeState(dir, nodes, pids) {
  const file = path.join(dir, STATE_FILE);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify({ nodes, pids, dir }, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** CLUSTER NODES as rows. */
function clusterNodes(text) {
  return String(text)
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, address, flags, masterId, , , , link] = line.split(' ');
      return { id, address: address.split('@')[0], flags: flags.split(','), masterId, link };
    });
}

/**
 * null when the cluster on these ports is healthy as seen from every node: cluster_state ok, every
 * slot served, 3 masters each with a connected replica, every replica's link to its master up.
 * Otherwise a sentence saying what is not yet so.
 */
async function unhealthyReason(ports) {
  try {
    for (const port of ports) {
      const info = fields(await command(port, ['CLUSTER', 'INFO']));
      if (info.cluster_state !== 'ok') return `${HOST}:${port} says cluster_state:${info.cluster_state}`;
      if (Number(info.cluster_slots_ok) !== TOTAL_SLOTS || Number(info.cluster_known_nodes) !== NODE_COUNT) {
        return `${HOST}:${port} sees ${info.cluster_slots_ok} slots ok and ${info.cluster_known_nodes} nodes`;
      }
      const nodes = clusterNodes(await command(port, ['CLUSTER', 'NODES']));
      const masters = nodes.filter((node) => node.flags.includes('master'));
      if (masters.length !== MASTERS) return `${HOST}:${port} sees ${masters.length} masters`;
      const troubled = nodes.find((node) => node.link !== 'connected' || /fail|handshake|noaddr/.test(node.flags));
      if (troubled) return `${HOST}:${port} sees ${troubled.address} as ${troubled.flags} (${troubled.link})`;
      for (const master of masters) {
        const replicas = nodes.filter((node) => node.masterId === master.id && node.flags.includes('slave'));
        if (replicas.length === 0) return `${HOST}:${port} sees no replica of ${master.address}`;
      }
      if (nodes.find((node) => node.flags.includes('myself'))?.flags.includes('slave')) {
        const replication = fields(await command(port, ['INFO', 'replication']));
        if (replication.master_link_status !== 'up') {
          return `replica ${HOST}:${port} has master_link_status:${replication.master_link_status}`;
        }
      }
      // What clients see: every slot range with its master and a replica.
      const ranges = await command(port, ['CLUSTER', 'SLOTS']);
      const bare = ranges.find((range) => range.length < 4);
      if (bare) return `${HOST}:${port} lists slots ${bare[0]}-${bare[1]} in CLUSTER SLOTS without a replica`;
    }
    return null;
  } catch (error) {
    return error.message;
  }
}

const nodesLine = (nodes) => `REDIS_CLUSTER_NODES=${nodes.join(',')}`;

// ---------------------------------------------------------------------------------------------
// The API.

/**
 * Starts a cluster in dir (or finds the healthy one already running there) and resolves once
 * every node agrees it is healthy. Always bounded: rejects within ~30 s with the reason and,
 * for a node that would not start, the tail of its log.
 *
 * @param {{ dir?: string }} [options]
 * @returns {Promise<{ nodes: string[], pids: number[], dir: string, reused: boolean, stop(): Promise<void> }>}
 */
export async function startCluster({ dir = DEFAULT_DIR } = {}) {
  dir = path.resolve(dir);
  const existing = readState(dir);
  if (existing && (await unhealthyReason(existing.nodes.map(portOf))) === null) {
    return { nodes: existing.nodes, pids: existing.pids, dir, reused: true, stop: () => stopCluster(dir) };
  }
  // Whatever is left there (a crashed run, a half-started cluster) goes first.
  await stopCluster(dir);
  assertRedisInstalled();

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dir, deadline);
    } catch (error) {
      await stopCluster(dir, { keepDir: true }).catch(() => undefined);
      // A port the OS called free was taken before redis bound it: try again on other ports.
      if (error instanceof NodeStartError && error.portTaken && attempt < 3 && Date.now() < deadline) continue;
      throw error;
    }
  }
}

async function startOnce(dir, deadline) {
  fs.mkdirSync(dir, { recursive: true });
  const ports = await pickPorts(NODE_COUNT);
  const nodes = ports.map((port) => `${HOST}:${port}`);
  const pids = [];
  // The state is written as the nodes come up, so that `down` can always find them.
  writeState(dir, nodes, pids);
  const started = await Promise.allSettled(ports.map((port) => startNode(dir, port)));
  for (const result of started) pids.push(result.status === 'fulfilled' ? result.value : null);
  writeState(dir, nodes, pids);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;

  const create = await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], {
    timeoutMs: Math.max(1_000, deadline - Date.now()),
  });
  if (create.error) {
    throw new Error(`redis-cli --cluster create failed (${create.error.message.split('\n')[0]}):\n${create.output}`);
  }

  let reason;
  while ((reason = await unhealthyReason(ports)) !== null) {
    if (Date.now() > deadline) {
      throw new Error(`the cluster in ${dir} was not healthy within ${START_TIMEOUT_MS} ms: ${reason}`);
    }
    await sleep(POLL_MS * 4);
  }
  return { nodes, pids, dir, reused: false, stop: () => stopCluster(dir) };
}

/**
 * Stops every node of the cluster in dir (those in its state file and any with a pid file) and
 * removes dir. A no-op when nothing is there.
 *
 * @param {string} [dir]
 * @param {{ keepDir?: boolean }} [options]
 * @returns {Promise<void>}
 */
export async function stopCluster(dir = DEFAULT_DIR, { keepDir = false } = {}) {
  dir = path.resolve(dir);
  if (!fs.existsSync(dir)) return;
  const byPort = new Map();
  const state = readState(dir);
  state?.nodes.forEach((node, i) => byPort.set(portOf(node), state.pids[i] ?? null));
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
    const port = Number(entry.name);
    let pid = byPort.get(port) ?? null;
    try {
      pid ??= Number(fs.readFileSync(path.join(dir, entry.name, 'redis.pid'), 'utf8').trim());
    } catch {
      // no pid file: the node never got that far, or removed it on shutdown
    }
    byPort.set(port, pid);
  }
  await Promise.all([...byPort].map(([port, pid]) => stopNode(dir, port, pid)));
  if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The nodes of the cluster in dir and each one's cluster_state ("unreachable" when it does not
 * answer); null when no cluster was started there.
 *
 * @param {string} [dir]
 * @returns {Promise<{ dir: string, nodes: { node: string, pid: number | null, state: string }[] } | null>}
 */
export async function clusterStatus(dir = DEFAULT_DIR) {
  dir = path.resolve(dir);
  const state = readState(dir);
  if (state === null) return null;
  const nodes = await Promise.all(
    state.nodes.map(async (node, i) => {
      let clusterState;
      try {
        clusterState = fields(await command(portOf(node), ['CLUSTER', 'INFO'], { timeoutMs: 1_000 })).cluster_state;
      } catch {
        clusterState = 'unreachable';
      }
      return { node, pid: state.pids[i] ?? null, state: clusterState };
    }),
  );
  return { dir, nodes };
}

// ---------------------------------------------------------------------------------------------
// The command line.

async function main(argv) {
  const [subcommand, ...rest] = argv;
  let dir = DEFAULT_DIR;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--dir' && rest[i + 1] !== undefined) dir = path.resolve(rest[++i]);
    else if (rest[i].startsWith('--dir=')) dir = path.resolve(rest[i].slice('--dir='.length));
    else throw new Error(`unknown argument ${rest[i]}`);
  }
  switch (subcommand) {
    case 'up': {
      const startedAt = performance.now();
      const cluster = await startCluster({ dir });
      const took = Math.round(performance.now() - startedAt);
      console.error(
        cluster.reused ? `redis cluster already running in ${dir}` : `redis cluster up in ${took} ms (${dir})`,
      );
      console.log(nodesLine(cluster.nodes));
      return 0;
    }
    case 'down':
      await stopCluster(dir);
      console.error(`redis cluster in ${dir} stopped`);
      return 0;
    case 'status': {
      const status = await clusterStatus(dir);
      if (status === null) {
        console.log(`no redis cluster in ${dir}`);
        return 1;
      }
      for (const { node, pid, state } of status.nodes) console.log(`${node} pid=${pid} cluster_state:${state}`);
      return status.nodes.every(({ state }) => state === 'ok') ? 0 : 1;
    }
    default:
      console.error('usage: node scripts/redis-cluster.mjs up|down|status [--dir D]');
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`redis-cluster: ${error.message}`);
      process.exit(1);
    },
  );
}
