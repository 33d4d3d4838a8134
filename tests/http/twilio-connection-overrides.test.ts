// Twilio retries a failed webhook only as its URL's connection overrides say, written as a URL
// fragment (docs/runbook.md, "Twilio webhook settings"). A fragment never travels in an HTTP
// request, and Twilio signs the URL it requests, from the scheme to the end of the query string.
// So the service checks signatures over PUBLIC_BASE_URL + the request path, with no fragment.
import twilio from 'twilio';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { QUEUE } from '../../src/jobs/queues';
import { inboundForm, PUBLIC_BASE_URL, startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

const WHATSAPP = '/webhooks/twilio/whatsapp';
const STATUS = '/webhooks/twilio/status';
const OVERRIDES = '#rc=3&rp=all&ct=2000&rt=5000&tt=15000';

let app: WebhookTestApp;
beforeAll(async () => (app = await startWebhookTestApp()));
afterAll(() => app.stop());

/** The URL Twilio requests, and signs, for a webhook configured as `configured`. */
function requestedUrl(configured: string): string {
  const url = new URL(configured);
  url.hash = '';
  return url.toString();
}

test('an inbound webhook configured with connection overrides is accepted and queued', async () => {
  const configured = `${PUBLIC_BASE_URL}${WHATSAPP}${OVERRIDES}`;
  const form = inboundForm();

  const response = await app.post(WHATSAPP, form, { signedUrl: requestedUrl(configured) });

  expect(requestedUrl(configured)).toBe(`${PUBLIC_BASE_URL}${WHATSAPP}`);
  expect(response.status).toBe(200);
  expect(await app.deps.queues[QUEUE.inbound].getJob(form.MessageSid!)).toBeDefined();
});

test('a status callback configured with connection overrides is accepted', async () => {
  const configured = `${PUBLIC_BASE_URL}${STATUS}${OVERRIDES}`;
  const form = { MessageSid: `SM${'3'.repeat(32)}`, MessageStatus: 'delivered', AccountSid: `AC${'0'.repeat(32)}` };

  const response = await app.post(STATUS, form, { signedUrl: requestedUrl(configured) });

  expect(response.status).toBe(200);
});

test("twilio's validateRequest keeps a fragment it is given, so the URL checked must never carry one", () => {
  const authToken = app.deps.config.twilio.authToken;
  const configured = `${PUBLIC_BASE_URL}${WHATSAPP}${OVERRIDES}`;
  const form = inboundForm();
  const signature = twilio.getExpectedTwilioSignature(authToken, requestedUrl(configured), form);

  expect(validateRequest(authToken, signature, requestedUrl(configured), form)).toBe(true);
  expect(validateRequest(authToken, signature, configured, form)).toBe(false);
});
