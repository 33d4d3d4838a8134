// Sends Twilio-shaped webhooks to the real web process, signed the way Twilio signs them.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export type WebhookClient = {
  /** Posts one inbound WhatsApp message; resolves with the HTTP status. */
  inbound(input: {
    from: string;
    body: string;
    messageSid?: string;
    media?: ReadonlyArray<{ url: string; contentType: string }>;
  }): Promise<{ status: number; messageSid: string }>;
};

/**
 * `publicBaseUrl` is what the service believes its URL is (signatures cover it); `actualBaseUrl`
 * is where the process listens in the test.
 */
export function makeWebhookClient(options: {
  publicBaseUrl: string;
  actualBaseUrl: string;
  authToken: string;
  accountSid: string;
  botNumber: string;
}): WebhookClient {
  return {
    async inbound({ from, body, messageSid = newMessageSid(), media = [] }) {
      const params: Record<string, string> = {
        MessageSid: messageSid,
        SmsMessageSid: messageSid,
        AccountSid: options.accountSid,
        From: `whatsapp:${from}`,
        To: `whatsapp:${options.botNumber}`,
        Body: body,
        NumMedia: String(media.length),
        NumSegments: '1',
        ProfileName: 'Test Passenger',
        WaId: from.slice(1),
        ApiVersion: '2010-04-01',
      };
      media.forEach((item, i) => {
        params[`MediaUrl${i}`] = item.url;
        params[`MediaContentType${i}`] = item.contentType;
      });
      const path = '/webhooks/twilio/whatsapp';
      const signature = twilio.getExpectedTwilioSignature(options.authToken, `${options.publicBaseUrl}${path}`, params);
      const response = await fetch(`${options.actualBaseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
      await response.text();
      return { status: response.status, messageSid };
    },
  };
}
