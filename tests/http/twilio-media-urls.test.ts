// A signed inbound webhook is queued only when each MediaUrl is on Twilio's API origin (or the
// configured TWILIO_API_BASE_URL's, the local stand-in): a forged or odd URL never reaches a job.
import { QUEUE } from '../../src/jobs/queues';
import { inboundForm, startWebhookTestApp, type WebhookTestApp } from './webhook-test-app';

const WHATSAPP = '/webhooks/twilio/whatsapp';
const MEDIA_PATH = `/2010-04-01/Accounts/AC${'0'.repeat(32)}/Messages/MM${'1'.repeat(32)}/Media/ME${'2'.repeat(32)}`;
const STAND_IN = 'http://127.0.0.1:3099';

const withMedia = (url: string) =>
  inboundForm({ Body: '', NumMedia: '1', MediaUrl0: url, MediaContentType0: 'image/jpeg' });
const jobCount = (app: WebhookTestApp) =>
  app.deps.queues[QUEUE.inbound].getJobCountByTypes('waiting', 'delayed', 'active', 'completed', 'failed');

describe("with Twilio's API (no TWILIO_API_BASE_URL)", () => {
  let app: WebhookTestApp;
  beforeAll(async () => (app = await startWebhookTestApp()));
  afterAll(() => app.stop());

  test.each([
    ['a javascript: URL', 'javascript:alert(document.cookie)'],
    ['a file: URL', 'file:///etc/passwd'],
    ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['plain http to Twilio', `http://api.twilio.com${MEDIA_PATH}`],
    ['another host', `https://media.example.test${MEDIA_PATH}`],
    ['a look-alike host', `https://api.twilio.com.example.test${MEDIA_PATH}`],
    ['Twilio with credentials in it', `https://user:pass@api.twilio.com${MEDIA_PATH}`],
    ['Twilio on another port', `https://api.twilio.com:8443${MEDIA_PATH}`],
    ['the stand-in, which is not configured', `${STAND_IN}${MEDIA_PATH}`],
  ])('MediaUrl0 as %s gets 400 and nothing is queued', async (_name, url) => {
    const before = await jobCount(app);
    const response = await app.post(WHATSAPP, withMedia(url));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('malformed webhook: MediaUrl0: must be on https://api.twilio.com');
    expect(await jobCount(app)).toBe(before);
  });

  test('a MediaUrl on https://api.twilio.com is queued', async () => {
    const form = withMedia(`https://api.twilio.com${MEDIA_PATH}`);
    expect((await app.post(WHATSAPP, form)).status).toBe(200);
    expect(await app.deps.queues[QUEUE.inbound].getJob(form.MessageSid!)).toBeDefined();
  });

  test('one bad MediaUrl among good ones refuses the whole message', async () => {
    const before = await jobCount(app);
    const form = inboundForm({
      NumMedia: '2',
      MediaUrl0: `https://api.twilio.com${MEDIA_PATH}`,
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'http://169.254.169.254/',
      MediaContentType1: 'image/jpeg',
    });
    const response = await app.post(WHATSAPP, form);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/MediaUrl1/);
    expect(await jobCount(app)).toBe(before);
  });
});

describe('with TWILIO_API_BASE_URL set (the local stand-in)', () => {
  let app: WebhookTestApp;
  beforeAll(async () => (app = await startWebhookTestApp({ TWILIO_API_BASE_URL: STAND_IN })));
  afterAll(() => app.stop());

  test("a MediaUrl on the stand-in's origin is queued", async () => {
    const form = withMedia(`${STAND_IN}${MEDIA_PATH}`);
    expect((await app.post(WHATSAPP, form)).status).toBe(200);
    expect(await app.deps.queues[QUEUE.inbound].getJob(form.MessageSid!)).toBeDefined();
  });

  test("a MediaUrl on Twilio's own origin is refused: only the configured one is accepted", async () => {
    const before = await jobCount(app);
    const response = await app.post(WHATSAPP, withMedia(`https://api.twilio.com${MEDIA_PATH}`));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(`malformed webhook: MediaUrl0: must be on ${STAND_IN}`);
    expect(await jobCount(app)).toBe(before);
  });
});
