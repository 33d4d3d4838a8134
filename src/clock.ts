/** The only source of "now" where time matters (OTP cooldowns, retention, claim windows). */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };
