// Delivery status callbacks as Twilio posts them: a signed form to the message's StatusCallback,
// first "sent" then "delivered". Failures are ignored, as a webhook receiver's outage does not
// change the message.
import twilio from 'twilio';
import type { LocalMessage, MessagesStore } from './messages-store';

export function makeStatusCallbacks(authToken: string, messages: MessagesStore) {
  const inFlight = new Set<Promise<void>>();
  // One controller per request: fetch adds a listener to its signal that is only dropped when
  // the request is garbage-collected, so one shared signal collects thousands of them.
  const requests = new Set<AbortController>();

  async function post(url: string, message: LocalMessage, status: 'sent' | 'delivered'): Promise<void> {
    messages.setStatus(message, status);
    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: '2010-04-01',
      From: message.from,
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
    };
    const request = new AbortController();
    requests.add(request);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
        signal: request.signal,
      });
      await response.arrayBuffer();
    } finally {
      requests.delete(request);
    }
  }

  return {
    schedule(message: LocalMessage): void {
      const url = message.statusCallback;
      if (url === undefined) return;
      const run = (async () => {
        try {
          await post(url, message, 'sent');
          await post(url, message, 'delivered');
        } catch {
          // The receiver may be down or gone; Twilio does not retry status callbacks either.
        }
      })();
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    },
    async close(): Promise<void> {
      for (const request of requests) request.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
