// Delivery status callbacks as Twilio posts them: a signed form to the message's StatusCallback,
// first "sent" then "delivered". Failures are ignored, as a webhook receiver's outage does not
// change the message.
//
// Posted with node:http and a keep-alive agent: fetch cost the stand-in several times more CPU
// per callback, and in a benchmark on one machine that CPU is taken from the service measured.
import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';
import type { LocalMessage, MessagesStore } from './messages-store';

type Status = 'sent' | 'delivered';

export function makeStatusCallbacks(authToken: string, messages: MessagesStore) {
  const inFlight = new Set<Promise<void>>();
  const requests = new Set<http.ClientRequest>();
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

  function post(url: string, message: LocalMessage, status: Status): Promise<void> {
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
    const body = new URLSearchParams(params).toString();
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        target,
        {
          method: 'POST',
          agent: agents[target.protocol as keyof typeof agents],
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
          },
        },
        (response) => {
          response.resume();
          response.on('end', resolve).on('error', reject);
        },
      );
      requests.add(request);
      request.on('error', reject).on('close', () => requests.delete(request));
      request.end(body);
    });
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
      for (const request of requests) request.destroy();
      await Promise.allSettled([...inFlight]);
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
