// Sends one WhatsApp message through Twilio at most once per ledger entry. The ledger records the
// Message SID before the caller moves on, and a rerun whose earlier attempt may have reached
// Twilio (the worker died between Twilio accepting and that record) first looks for the message
// among the recipient's latest ones instead of sending again: Twilio's Messages API has no
// idempotency key, so that lookup is the only way to tell. docs/decisions/0010-sender-lanes.md.
import type { Deps } from '../deps';
import { SENT_TO_LIMIT } from '../jobs/redis-keys';
import { rememberSentScript } from '../jobs/redis-scripts';
import { errorCodeLabel } from '../observability/metrics';
import { TwilioApiError, type OutgoingMessage } from '../twilio/gateway';
import type { SendRate } from './send-rate';

// How many of the recipient's latest messages a recovering send looks through: a sender's replies
// go out one at a time, so its own message is among the newest.
const RECENT_LIMIT = 20;
// Twilio dates have whole seconds; allow for that and for clock skew between us and Twilio.
const CREATED_SLACK_MS = 2_000;

/** Where one message's send is remembered: a turn's effects hash, or keys of a queued send. */
export type SendLedger = {
  sentSid(): Promise<string | undefined>;
  attemptStartedAt(): Promise<number | undefined>;
  markAttempt(at: number): Promise<void>;
  /**
   * Records the SID, and remembers it among the recipient's latest sends (a recovering send must
   * not claim it). A turn's ledger writes both with the turn's next write (src/conversation-runtime/turn-effects.ts).
   */
  recordSent(sid: string, to: string): Promise<void>;
};

export type SendOutcome =
  | { sid: string; duplicate?: true; recovered?: true }
  /** Twilio refused it for good (an invalid number, a blocked recipient): sending again won't help. */
  | { refused: TwilioApiError };

export type SendDeps = Pick<Deps, 'redis' | 'keys' | 'twilio' | 'config' | 'logger' | 'metrics'> & {
  sendRate: SendRate;
};

/**
 * Sends unless the ledger shows it was sent. Throws on errors worth retrying (429, 5xx, network):
 * the caller waits and calls again with the same ledger.
 */
export async function sendOnce(deps: SendDeps, ledger: SendLedger, message: OutgoingMessage): Promise<SendOutcome> {
  const alreadySent = await ledger.sentSid();
  if (alreadySent !== undefined) return { sid: alreadySent, duplicate: true };

  const earlierAttempt = await ledger.attemptStartedAt();
  if (earlierAttempt !== undefined) {
    const sid = await sentBefore(deps, message, earlierAttempt);
    if (sid !== undefined) {
      await ledger.recordSent(sid, message.to);
      return { sid, recovered: true };
    }
  }

  // Stamped as the wait for a slot starts, in the same round trip: a recovering send looks for
  // messages created after the stamp, so an earlier one only widens its search.
  await Promise.all([deps.sendRate.waitForSlot(), ledger.markAttempt(Date.now())]);
  try {
    const sent = await deps.twilio.sendMessage({
      ...message,
      statusCallback: message.statusCallback ?? `${deps.config.publicBaseUrl}/webhooks/twilio/status`,
    });
    await ledger.recordSent(sent.sid, message.to);
    return { sid: sent.sid };
  } catch (error) {
    if (error instanceof TwilioApiError) {
      const kind = error.retryable ? 'retried' : 'refused';
      deps.metrics.outboundFailures.inc({ kind, error_code: errorCodeLabel(error.code) });
      if (kind === 'refused') return { refused: error };
    }
    throw error;
  }
}

/** Adds a sent SID to the recipient's latest sends: bounded and expiring, as only those matter to a recovering send. */
export function rememberSent(
  deps: Pick<Deps, 'redis' | 'keys'>,
  to: string,
  sid: string,
  at = Date.now(),
): Promise<void> {
  return rememberSentScript(deps.redis, deps.keys.sentTo(to), {
    at,
    sid,
    keep: SENT_TO_LIMIT,
    ttlSeconds: deps.keys.ttl.sentTo,
  });
}

/**
 * The SID of this message if an earlier attempt got it to Twilio after all. A text is known by its
 * body; a template (rendered by Twilio) by being the recipient's only unclaimed message since the
 * attempt, which holds for a claim update: it is sent holding the passenger's lane.
 */
async function sentBefore(
  deps: SendDeps,
  message: OutgoingMessage,
  attemptStartedAt: number,
): Promise<string | undefined> {
  if (deps.twilio.recentMessages === undefined) return undefined;
  const [recent, claimed] = await Promise.all([
    deps.twilio.recentMessages({ to: message.to, limit: RECENT_LIMIT }),
    deps.redis.zrange(deps.keys.sentTo(message.to), '0', '-1'),
  ]);
  const taken = new Set(claimed);
  const match = recent
    .filter((m) => (message.body === undefined || m.body === message.body) && !taken.has(m.sid))
    .filter((m) => m.dateCreated.getTime() >= attemptStartedAt - CREATED_SLACK_MS)
    .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())[0];
  return match?.sid;
}

/** A ledger in two keys of their own, for a queued send named by its idempotency key. */
export function keyedLedger(deps: Pick<Deps, 'redis' | 'keys'>, idempotencyKey: string): SendLedger {
  const sentKey = deps.keys.sentMessage(idempotencyKey);
  const attemptKey = deps.keys.sendAttempt(idempotencyKey);
  const ttl = deps.keys.ttl.outboundSend;
  return {
    sentSid: async () => (await deps.redis.get(sentKey)) ?? undefined,
    attemptStartedAt: async () => {
      const stamp = await deps.redis.get(attemptKey);
      return stamp === null ? undefined : Number(stamp);
    },
    markAttempt: async (at) => void (await deps.redis.set(attemptKey, String(at), 'EX', ttl)),
    recordSent: async (sid, to) => {
      // One after the other: the two keys may live on two shards of a cluster, and a SID
      // remembered as taken but not recorded (the worker killed in between) would be neither found
      // by a rerun's ledger nor claimed by its recovery: it would be sent again.
      await deps.redis.set(sentKey, sid, 'EX', ttl);
      await rememberSent(deps, to, sid);
    },
  };
}
