import pino, { type Logger } from 'pino';

export type { Logger };

// Message bodies, OTP codes and full phone numbers never reach the logs: the code logs masked
// values only, and these paths are redacted as a second line of defence.
const REDACT = [
  'body',
  'Body',
  'code',
  'Code',
  'phone',
  'phoneNumber',
  'phone_number',
  'From',
  'To',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  '*.body',
  '*.Body',
  '*.code',
  '*.Code',
  '*.phone',
  '*.phone_number',
];

export function makeLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: { service: 'whatsapp-handler' }, redact: { paths: REDACT, censor: '[redacted]' } },
    destination,
  );
}
