// CPU time by process during bench:e2e's rounds, from /proc (user + system, in clock ticks of
// 10 ms): where the machine's two cores go per message, and how much of them other programs took. Postgres counts the backends serving the
// bench's database; Redis is the whole server, so it includes anything else using it meanwhile
// (on a Redis Cluster: every node of it, masters and replicas).
const { readdirSync, readFileSync } = require('node:fs');
const { Cluster } = require('ioredis');

// Linux counts process CPU time in clock ticks of 10 ms (USER_HZ = 100).
const SECONDS_PER_TICK = 0.01;

/** CPU seconds the process has used so far; 0 once it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * SECONDS_PER_TICK;
  } catch {
    return 0;
  }
}

/** CPU seconds of each Postgres backend connected to `database` (its title names the database). */
function postgresBackends(database) {
  const backends = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (title.startsWith('postgres:') && title.includes(` ${database} `)) backends.set(pid, cpuSeconds(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return backends;
}

/** CPU seconds the whole machine has spent busy so far, all cores together (/proc/stat). */
function machineBusySeconds() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) * SECONDS_PER_TICK;
}

/** The pid of the Redis server, or of every node of a cluster client's cluster. */
async function redisPids(redis) {
  const nodes = redis instanceof Cluster ? redis.nodes('all') : [redis];
  return Promise.all(nodes.map(async (node) => Number(/process_id:(\d+)/.exec(await node.info('server'))[1])));
}

/** CPU seconds so far of the stack's web and workers, Redis, Postgres, the stand-in and this bench process. */
async function sample(redis, stack) {
  const sum = (pids) => pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
  const own = process.cpuUsage();
  const machine = machineBusySeconds();
  return {
    machine,
    web: cpuSeconds(stack.web.child.pid),
    workers: sum(stack.workers.map((worker) => worker.child.pid)),
    redis: sum(await redisPids(redis)),
    postgres: postgresBackends(new URL(stack.databaseUrl).pathname.slice(1)),
    'stand-in': cpuSeconds(stack.standIn.child.pid),
    ...(stack.stamp ? { 'pass-through': cpuSeconds(stack.stamp.child.pid) } : {}),
    bench: (own.user + own.system) / 1e6,
  };
}

/** CPU seconds used between two samples; a backend that ended meanwhile took its time with it. */
function difference(after, before) {
  return Object.fromEntries(
    Object.keys(after).map((key) => {
      if (!(after[key] instanceof Map)) return [key, after[key] - before[key]];
      let used = 0;
      for (const [pid, seconds] of after[key]) used += seconds - (before[key].get(pid) ?? 0);
      return [key, used];
    }),
  );
}

function add(total, part) {
  for (const key of Object.keys(part)) total[key] = (total[key] ?? 0) + part[key];
  return total;
}

const ours = (cpu) => Object.entries(cpu).reduce((sum, [key, s]) => (key === 'machine' ? sum : sum + s), 0);

/**
 * "cores busy 1.8 (others 0.1)": CPU seconds per wall-clock second of the processes involved
 * (2.0 is both cores), and of everything else on the machine meanwhile.
 */
function coresBusy(cpu, seconds) {
  return `cores busy ${(ours(cpu) / seconds).toFixed(1)} (others ${((cpu.machine - ours(cpu)) / seconds).toFixed(1)})`;
}

/** "web 0.31, workers 2.10, ..." in CPU milliseconds per message. */
function perMessage(cpu, messages) {
  return Object.entries(cpu)
    .filter(([key]) => key !== 'machine')
    .map(([key, seconds]) => `${key} ${((seconds * 1000) / messages).toFixed(2)}`)
    .join(', ');
}

module.exports = { sample, difference, add, coresBusy, perMessage };
