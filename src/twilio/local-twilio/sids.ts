import { randomBytes } from 'node:crypto';

/**
 * Twilio SIDs: a two-letter type prefix and 32 hex digits (SM message, MM message with media, ME
 * media, VE verification, VL send attempt).
 */
export function makeSid(prefix: 'SM' | 'MM' | 'ME' | 'VE' | 'VL'): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Twilio's date format in its JSON (RFC 2822), e.g. "Wed, 25 Nov 2026 08:00:00 +0000". */
export function twilioDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** Compares addresses with or without the "whatsapp:" channel prefix. */
export function bareAddress(address: string): string {
  return address.startsWith('whatsapp:') ? address.slice('whatsapp:'.length) : address;
}
