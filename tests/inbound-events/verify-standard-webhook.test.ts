import { verifyStandardWebhook } from '../../src/inbound-events/verify-standard-webhook';
import { signWebhook } from '../../src/outbox/webhook-signature';

// Pure code: a fixed instant is passed in as "now".
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NOW = new Date('2026-03-29T00:30:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const BODY = '{"event_id":"evt_1"}';

function verify(headers: Record<string, string>, body = BODY) {
  return verifyStandardWebhook(SECRET, headers, Buffer.from(body), NOW);
}

function signed(offsetSeconds = 0, id = 'msg_1') {
  const timestamp = NOW_SECONDS + offsetSeconds;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(SECRET, id, timestamp, BODY),
  };
}

it('accepts timestamps up to 5 minutes either side of now, and refuses one second more', () => {
  expect(verify(signed(-300)).ok).toBe(true);
  expect(verify(signed(300)).ok).toBe(true);
  expect(verify(signed(-301))).toEqual({ ok: false, reason: 'stale timestamp' });
  expect(verify(signed(301))).toEqual({ ok: false, reason: 'stale timestamp' });
});

it('refuses a timestamp that is not whole Unix seconds', () => {
  for (const timestamp of ['2026-03-29T00:30:00Z', `${NOW_SECONDS}.5`, `-${NOW_SECONDS}`, '']) {
    expect(verify({ ...signed(), 'webhook-timestamp': timestamp }).ok).toBe(false);
  }
});

it('ignores entries of other versions and malformed entries, and needs one v1 match', () => {
  const good = signed()['webhook-signature'];
  const others = `v1a,${good.slice(3)} v2,abc v1, v1,!!!! ${good}`;

  expect(verify({ ...signed(), 'webhook-signature': others }).ok).toBe(true);
  expect(verify({ ...signed(), 'webhook-signature': others.replace(` ${good}`, '') })).toEqual({
    ok: false,
    reason: 'bad signature',
  });
});

it('refuses a body, id or timestamp other than the signed ones', () => {
  const headers = signed();

  expect(verify(headers, `${BODY} `).ok).toBe(false);
  expect(verify({ ...headers, 'webhook-id': 'msg_2' }).ok).toBe(false);
  expect(verify({ ...headers, 'webhook-timestamp': String(NOW_SECONDS + 1) }).ok).toBe(false);
});

it('refuses a webhook-id too long to become a Redis key', () => {
  expect(verify(signed(0, `msg_${'x'.repeat(300)}`))).toEqual({ ok: false, reason: 'invalid header' });
});
