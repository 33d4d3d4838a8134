// bench:e2e's rate scenario: a service stack with OUTBOUND_MESSAGES_PER_SECOND=rate gets one first
// message from each of `senders` at once. The sends are stamped as they reach the stand-in, by a
// pass-through in front of it (bench/e2e-stamp.js), and say how well the global send limit (a
// GCRA in Redis) is kept: the achieved rate over the busy period (first to last send) against
// the limit, and the most sends in any one-second window. The stand-in's own stamps are shown
// too: its event loop also posts the delivery callbacks, so they can be late.
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { deletePrefix } = require('./support');
const stack = require('./e2e-stack');
const traffic = require('./e2e-traffic');
const cpu = require('./e2e-cpu');

/** Sends per second from first to last, and the most sends in any window [t, t + 1 s). */
function sendRate(times) {
  if (times.length < 2) return { busySeconds: 0, achieved: NaN, most: times.length };
  const busySeconds = (times[times.length - 1] - times[0]) / 1000;
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && times[j] < times[i] + 1000) j++;
    most = Math.max(most, j - i);
  }
  return { busySeconds, achieved: (times.length - 1) / busySeconds, most };
}

/** Runs the scenario on its own stack and prefix; returns the number of senders with wrong replies. */
async function rateScenario(run, { prefix, rate, senders, welcome }) {
  const stamp = await stack.startStamp(run.standIn);
  const target = await stack.startStack('service', {
    ...run.common,
    prefix,
    env: { OUTBOUND_MESSAGES_PER_SECOND: String(rate), TWILIO_API_BASE_URL: stamp.url },
  });
  run.stacks.push(target);
  target.stamp = stamp;
  // Resets the event-loop delay histograms of the workers and the stand-in.
  await Promise.all(target.workers.map((worker) => stack.heapAfterGc(worker)));
  await run.standIn.delay();
  const before = await cpu.sample(run.redis, target);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timeoutMs = 60_000 + (senders.length / rate) * 2000;
  const { seconds, accepted } = await traffic.carry(target, run.standIn, senders, ['Hi'], timeoutMs);
  delay.disable();
  const used = cpu.difference(await cpu.sample(run.redis, target), before);
  const workerDelays = await Promise.all(target.workers.map((worker) => stack.heapAfterGc(worker)));
  const standInDelay = await run.standIn.delay();
  const times = (await stamp.stamps()).sort((a, b) => a - b);
  const sends = sendRate(times);
  const later = sendRate(times.filter((t) => t >= accepted));
  const replies = await run.standIn.replies(senders);
  const atStandIn = sendRate(
    replies
      .flat()
      .map((m) => m.at)
      .sort((a, b) => a - b),
  );
  await traffic.settle(run.redis, target);
  const wrong = (await run.standIn.replies(senders)).filter(
    (got) => got.length !== 1 || got[0].body !== welcome,
  ).length;

  const ratio = (r) =>
    `${(r.achieved / rate).toFixed(3)} x the limit (target >= 0.95), most in one second ${r.most} = ` +
    `${(r.most / rate).toFixed(2)} x (target <= 1.10)`;
  const ms = (value) => value.toFixed(0);
  console.log(
    `rate: ${senders.length} first messages at once, OUTBOUND_MESSAGES_PER_SECOND=${rate}: ${times.length} sends ` +
      `over ${sends.busySeconds.toFixed(1)} s (${cpu.coresBusy(used, seconds)}; CPU ms per message: ` +
      `${cpu.perMessage(used, senders.length)})`,
  );
  console.log(`  as they reached the stand-in: achieved ${(sends.achieved || 0).toFixed(1)} sends/s = ${ratio(sends)}`);
  console.log(
    `  once every webhook was answered (${((accepted - times[0]) / 1000).toFixed(1)} s after the first send): ` +
      `${ratio(later)}`,
  );
  console.log(`  as the stand-in stamped them: ${ratio(atStandIn)}`);
  console.log(
    `  event-loop delay p99 / max: workers ${workerDelays.map((p) => `${ms(p.delayP99Ms)} / ${ms(p.delayMaxMs)}`).join(', ')} ms ` +
      `(a send leaves that late after its slot), the stand-in ${ms(standInDelay.p99Ms)} / ${ms(standInDelay.maxMs)} ms, ` +
      `the bench ${ms(delay.percentile(99) / 1e6)} / ${ms(delay.max / 1e6)} ms (it sends the webhooks)`,
  );
  console.log(`  senders whose reply is missing, repeated or wrong: ${wrong}`);
  await stack.stopStack(target);
  run.stacks.splice(run.stacks.indexOf(target), 1);
  await stamp.close();
  await deletePrefix(run.redis, target.prefix);
  return wrong;
}

module.exports = { rateScenario, sendRate };
