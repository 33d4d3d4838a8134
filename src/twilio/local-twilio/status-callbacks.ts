// Delivery status callbacks as Twilio posts them: a signed form to the message's StatusCallback,
// one per step of the message's delivery: "sent" then "delivered", or one "undelivered"/"failed"
// with its ErrorCode (a closed WhatsApp window, a delivery error set for the number). Failures to
// post are ignored, as a webhook receiver's outage does not change the message.
//
// Posted with node:http and a keep-alive agent: fetch cost the stand-in several times more CPU
// per callback, and in a benchmark on one machine that CPU is taken from the service measured.
import http from 'node:http';
import https from 'node:https';
import { createHmac } from 'node:crypto';
import type { DeliveryStep, LocalMessage, MessagesStore } from './messages-store';

/** Twilio's request signature: HMAC-SHA1 of the URL, then each name and value in name order. */
function signature(authToken: string, url: string, sortedParams: Array<[string, string]>): string {
  let data = url;
  for (const [name, value] of sortedParams) data += name + value;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function makeStatusCallbacks(authToken: string, messages: MessagesStore) {
  const inFlight = new Set<Promise<void>>();
  const requests = new Set<http.ClientRequest>();
  let closing = false;
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

  // Every reply names the same StatusCallback: parse it once.
  const targets = new Map<string, URL>();
  const targetOf = (url: string): URL => {
    let target = targets.get(url);
    if (target === undefined) {
      target = new URL(url);
      targets.set(url, target);
    }
    return target;
  };

  function post(url: string, message: LocalMessage, step: DeliveryStep): Promise<void> {
    messages.advance(message, step);
    // In the order of their names, as the signature takes them.
    const params: Array<[string, string]> = [
      ['AccountSid', message.accountSid],
      ['ApiVersion', '2010-04-01'],
      // Twilio sends ErrorCode only when the message failed.
      ...(step.errorCode !== undefined ? [['ErrorCode', String(step.errorCode)] as [string, string]] : []),
      ['From', message.from],
      ['MessageSid', message.sid],
      ['MessageStatus', step.status],
      ['SmsSid', message.sid],
      ['SmsStatus', step.status],
      ['To', message.to],
    ];
    const body = new URLSearchParams(params).toString();
    const target = targetOf(url);
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
            'x-twilio-signature': signature(authToken, url, params),
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
      // With nowhere to report to, the message still reaches its end, as Twilio's would.
      if (url === undefined) {
        messages.settle(message.sid);
        return;
      }
      const run = (async () => {
        for (const step of message.steps) {
          // Once closing, the message still reaches its end, with no more requests.
          if (closing) {
            messages.advance(message, step);
            continue;
          }
          try {
            await post(url, message, step);
          } catch {
            // The receiver may be down or gone; Twilio does not retry status callbacks either.
          }
        }
      })();
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    },
    async close(): Promise<void> {
      closing = true;
      for (const request of requests) request.destroy();
      await Promise.allSettled([...inFlight]);
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
