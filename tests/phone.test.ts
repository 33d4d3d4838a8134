import { maskPhonesInPath } from '../src/phone';

test.each([
  ['/api/v1/users/+447700990000', '/api/v1/users/+44******0000'],
  ['/api/v1/users/%2B447700990000', '/api/v1/users/+44******0000'],
  ['/api/v1/users/%2b447700990000/journeys', '/api/v1/users/+44******0000/journeys'],
  ['/api/v1/users/whatsapp%3A%2B447700990000', '/api/v1/users/whatsapp%3A+44******0000'],
  ['/api/v1/users/%2B44%207700%20990000', '/api/v1/users/+44******0000'],
  ['/api/v1/users/+44-7700-990000', '/api/v1/users/+44******0000'],
  ['/api/v1/users/447700990000', '/api/v1/users/447*****0000'],
])('a number in the path %s is logged masked', (path, masked) => {
  expect(maskPhonesInPath(path)).toBe(masked);
});

test.each([
  '/api/v1/journeys/0f8e1d2c-1a2b-4c3d-8e9f-447700990000',
  '/api/v1/journeys/0f8e1d2c-1a2b-4c3d-8e9f-447700990000/tickets/2',
  '/api/v1/users/+1234',
  '/webhooks/twilio/whatsapp',
  '/healthz',
])('a path with no number in it, %s, is logged as it is', (path) => {
  expect(maskPhonesInPath(path)).toBe(path);
});
