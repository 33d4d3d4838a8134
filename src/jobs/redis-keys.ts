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
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
