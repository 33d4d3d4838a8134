// Our inbound verifier and our outbound signer against the official standardwebhooks package, so
// "Standard Webhooks" means what other implementations mean by it.
import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { verifyStandardWebhook } from '../../src/inbound-events/verify-standard-webhook';
import { signWebhook } from '../../src/outbox/webhook-signature';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const OTHER_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
// Non-ASCII on purpose: both sides must sign the same UTF-8 bytes.
const BODY = JSON.stringify({ event_id: 'evt_1', event_type: 'claim.paid', note: 'Café 🚆 £12.50' });

function headersFor(id: string, timestampSeconds: number, signature: string) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signature };
}

describe('a request signed by the standardwebhooks package', () => {
  const now = new Date();
  const seconds = Math.floor(now.getTime() / 1000);

  it('verifies with our verifier', () => {
    const signature = new Webhook(SECRET).sign('msg_a', now, BODY);

    const result = verifyStandardWebhook(SECRET, headersFor('msg_a', seconds, signature), Buffer.from(BODY), now);

    expect(result).toEqual({ ok: true, webhookId: 'msg_a' });
  });

  it('verifies when it is one of several signatures, as during a secret rotation', () => {
    const old = new Webhook(OTHER_SECRET).sign('msg_b', now, BODY);
    const current = new Webhook(SECRET).sign('msg_b', now, BODY);

    const result = verifyStandardWebhook(
      SECRET,
      headersFor('msg_b', seconds, `${old} ${current}`),
      Buffer.from(BODY),
      now,
    );

    expect(result.ok).toBe(true);
  });

  it('fails our verifier when signed with another secret', () => {
    const signature = new Webhook(OTHER_SECRET).sign('msg_c', now, BODY);

    const result = verifyStandardWebhook(SECRET, headersFor('msg_c', seconds, signature), Buffer.from(BODY), now);

    expect(result).toEqual({ ok: false, reason: 'bad signature' });
  });
});

describe('a request signed by our outbound signWebhook', () => {
  // The package checks the timestamp against its own clock, so this signs with the real one.
  const seconds = Math.floor(Date.now() / 1000);

  it('verifies with the package', () => {
    const signature = signWebhook(SECRET, 'msg_d', seconds, BODY);

    const payload = new Webhook(SECRET).verify(BODY, headersFor('msg_d', seconds, signature));

    expect(payload).toEqual(JSON.parse(BODY));
  });

  it('fails the package when signed with another secret', () => {
    const signature = signWebhook(OTHER_SECRET, 'msg_e', seconds, BODY);

    expect(() => new Webhook(SECRET).verify(BODY, headersFor('msg_e', seconds, signature))).toThrow(
      WebhookVerificationError,
    );
  });
});
