// The narrow seam between the service and Twilio: the real client (twilio-client.ts) and the local
// stand-in both sit behind it. Errors carry Twilio's own numeric code (20404, 60202, 21211, ...).
export type SentMessage = { sid: string; status: string };
export type VerificationStatus =
  'pending' | 'approved' | 'canceled' | 'max_attempts_reached' | 'deleted' | 'failed' | 'expired';

/**
 * A free-form text (`body`) or an approved template (`contentSid` with its `contentVariables`,
 * e.g. {"1": "RR-ABC123"}), which WhatsApp accepts outside the 24-hour customer-service window.
 */
export type OutgoingMessage = { to: string; statusCallback?: string } & (
  | { body: string; contentSid?: never; contentVariables?: never }
  | { body?: never; contentSid: string; contentVariables: Record<string, string> }
);

export interface TwilioGateway {
  sendMessage(input: OutgoingMessage): Promise<SentMessage>;
  startVerification(input: {
    to: string;
    channel: 'sms' | 'whatsapp' | 'call';
  }): Promise<{ sid: string; status: VerificationStatus }>;
  checkVerification(input: { to: string; code: string }): Promise<{ status: VerificationStatus; valid: boolean }>;
  /**
   * Ends the number's pending verification (Status=canceled), so the next start creates a new one
   * with fresh check and send attempts; a start while one is pending would resend it instead.
   * None pending (Twilio's 20404) is done too: `canceled` says which it was.
   */
  cancelVerification(input: { to: string }): Promise<{ canceled: boolean }>;
  /**
   * The latest messages sent to a number, newest first. Lets a send that may have reached Twilio
   * before its worker died find out whether it did, instead of sending again.
   */
  recentMessages?(input: { to: string; limit: number }): Promise<RecentMessage[]>;
}

export type RecentMessage = { sid: string; body: string; dateCreated: Date };

// 60202 (max check attempts) and 60203 (max send attempts) come as HTTP 429 but hold until the
// verification ends (10 minutes, or a cancel): asking again only repeats the refusal.
const VERIFY_LIMITS = new Set([60202, 60203]);

/** A Twilio API error: `status` is the HTTP status, `code` Twilio's error code. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  /** 429, 5xx and network failures are worth retrying; other 4xx are not, nor Verify's limits. */
  get retryable(): boolean {
    if (this.code !== undefined && VERIFY_LIMITS.has(this.code)) return false;
    return this.status === 429 || this.status >= 500 || this.status === 0;
  }
}
