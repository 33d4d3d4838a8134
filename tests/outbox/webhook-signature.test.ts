import { createHmac } from 'node:crypto';
import { signingKey, signWebhook } from '../../src/outbox/webhook-signature';

const KEY = Buffer.from('a consumer shared secret of 32 b');
const SECRET = `whsec_${KEY.toString('base64')}`;

test('the signing key is the base64-decoded part of a whsec_ secret', () => {
  expect(signingKey(SECRET)).toEqual(KEY);
  const expected = createHmac('sha256', KEY).update('msg_1.1700000000.{"a":1}').digest('base64');
  expect(signWebhook(SECRET, 'msg_1', 1700000000, '{"a":1}')).toBe(`v1,${expected}`);
});

test('a secret of any other form is refused rather than used as it is', () => {
  expect(() => signingKey('a plain shared secret')).toThrow(/whsec_/);
  expect(() => signWebhook('a plain shared secret', 'msg_1', 1700000000, '{}')).toThrow(/whsec_/);
});
