// Preloaded into each worker process by bench:e2e:
//   node --expose-gc --require ./bench/heap-probe.js dist/main/worker.js
// On the bench's IPC message { heapProbe: id } it collects garbage (two full collections, a turn
// of the event loop apart, so objects freed by finalizers of the first go in the second) and
// answers { heapProbe: id, heapUsed, delayP99Ms, delayMaxMs }: the live JavaScript heap, which
// RSS does not show (V8 and the allocator keep freed pages), and how late the event loop ran
// since the previous probe (a timer such as the send rate's fires that late). It does nothing in
// a process started without an IPC channel. A forced full GC costs the process the next moments'
// work: V8 drops much of its optimized code then (about 100 functions of a bench worker,
// reason "weak objects" in --log-deopt; its own GCs do not), so bench:e2e probes outside the
// rounds it times.
const { monitorEventLoopDelay } = require('node:perf_hooks');

if (typeof process.send === 'function') {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message) => {
    if (message === null || typeof message !== 'object' || typeof message.heapProbe !== 'number') return;
    const delayP99Ms = delay.percentile(99) / 1e6;
    const delayMaxMs = delay.max / 1e6;
    if (typeof globalThis.gc !== 'function') {
      process.send({ heapProbe: message.heapProbe, error: 'started without --expose-gc' });
      return;
    }
    globalThis.gc();
    setImmediate(() => {
      globalThis.gc();
      delay.reset();
      process.send({ heapProbe: message.heapProbe, heapUsed: process.memoryUsage().heapUsed, delayP99Ms, delayMaxMs });
    });
  });
  // The channel alone does not keep the worker alive: it exits as it would without the probe.
  process.channel.unref();
}
