// Delivery status callbacks as Twilio posts them: a signed form to the message's StatusCallback,
// first "sent" then "delivered". Failures are ignored, as a webhook receiver's outage does not
// change the message.
import twilio from 'twilio';
import type { LocalMessage, MessagesStore } from './messages-store';

export function makeStatusCallbacks(authToken: string, messages: MessagesStore) {
  const inFlight = new Set<Promise<void>>();
  const controller = new AbortController();

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
    await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
      signal: controller.signal,
    }).then((response) => response.arrayBuffer());
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
      controller.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
