import { randomFillSync } from 'node:crypto';

// Random bytes drawn 4 KiB at a time: one draw per SID cost the stand-in more CPU than the rest of
// creating a message, and in a benchmark on one machine that CPU is taken from the service.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/**
 * Twilio SIDs: a two-letter type prefix and 32 hex digits (SM message, MM message with media, ME
 * media, VE verification, VL send attempt).
 */
export function makeSid(prefix: 'SM' | 'MM' | 'ME' | 'VE' | 'VL'): string {
  if (used === POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return prefix + pool.toString('hex', used - 16, used);
}

/** Twilio's date format in its JSON (RFC 2822), e.g. "Wed, 25 Nov 2026 08:00:00 +0000". */
export function twilioDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** Compares addresses with or without the "whatsapp:" channel prefix. */
export function bareAddress(address: string): string {
  return address.startsWith('whatsapp:') ? address.slice('whatsapp:'.length) : address;
}
