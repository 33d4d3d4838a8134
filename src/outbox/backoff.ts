// When a failed event is tried again: exponential from 1 s, capped at 5 min, with "equal jitter"
// (half fixed, half random) so events that failed together do not all retry in the same instant.
// With the default 10 attempts an event is parked after roughly 8 to 17 minutes of failures.
const BASE_MS = 1_000;
const CAP_MS = 5 * 60_000;

/** attempts: how many attempts have failed so far, including the one just made (>= 1). */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
  return exponential / 2 + random() * (exponential / 2);
}
