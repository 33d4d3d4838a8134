// The service's own Redis keys (BullMQ keeps its own under the same prefix).
export function redisKeys(prefix: string) {
  return {
    /** Conversation state of one sender (24 h TTL). */
    conversation: (phone: string) => `${prefix}:conversation:${phone}`,
    /** Arrival order of one sender's messages. */
    senderSequence: (phone: string) => `${prefix}:sender-seq:${phone}`,
    /** The arrival number given to one MessageSid. */
    messageSequence: (messageSid: string) => `${prefix}:message-seq:${messageSid}`,
    /** The next arrival number a sender's worker may process. */
    senderNext: (phone: string) => `${prefix}:sender-next:${phone}`,
    /** Held while one of the sender's messages is being processed. */
    senderLock: (phone: string) => `${prefix}:sender-lock:${phone}`,
    /** Arrival number -> MessageSid of a sender's messages not yet processed (hash). */
    senderArrivals: (phone: string) => `${prefix}:sender-arrivals:${phone}`,
    /** Since when a sender's lane has waited for an arrival whose job is missing (hash: n -> ms). */
    senderGaps: (phone: string) => `${prefix}:sender-gaps:${phone}`,
    /** Outcome of one inbound message once its lane turn finished ("processed" or "failed"). */
    inboundDone: (messageSid: string) => `${prefix}:inbound-done:${messageSid}`,
    /** The state and context one inbound message was first decided with, so a retry decides alike. */
    inboundSnapshot: (messageSid: string) => `${prefix}:inbound-snapshot:${messageSid}`,
    /** Effect indexes of one inbound message already applied (set). */
    inboundEffects: (messageSid: string) => `${prefix}:inbound-effects:${messageSid}`,
    /** Outcome of one Twilio Verify job, so a rerun never calls Verify again. */
    verificationOutcome: (jobId: string) => `${prefix}:verification-outcome:${jobId}`,
    /** The Twilio Message SID of an outbound message already sent, by idempotency key. */
    sentMessage: (idempotencyKey: string) => `${prefix}:sent-message:${idempotencyKey}`,
    /** When a send with this idempotency key last started talking to Twilio (ms). */
    sendAttempt: (idempotencyKey: string) => `${prefix}:send-attempt:${idempotencyKey}`,
    /** Message SIDs already accounted for per recipient, so a recovered send claims only its own. */
    sentTo: (address: string) => `${prefix}:sent-to:${address}`,
    /** Set once a delivery status of one outbound message has been counted. */
    messageStatusSeen: (messageSid: string, status: string) => `${prefix}:message-status:${messageSid}:${status}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
