// What a ticket file really is, read from its first bytes. The content type a sender declares is
// whatever their phone (or an attacker) chose; only the bytes say what the file is.

/** What a ticket may be (PRODUCT.md, "Journeys"); the database refuses anything else. */
export const TICKET_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type TicketContentType = (typeof TICKET_CONTENT_TYPES)[number];

/** 10 MB, the largest ticket file accepted, by the download and by the database alike. */
export const MAX_TICKET_BYTES = 10 * 1024 * 1024;

const startsWith = (bytes: Buffer, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// RIFF, then 4 bytes of chunk size, then WEBP: RIFF alone is also WAV and AVI.
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const PDF = ascii('%PDF-');

/** The ticket type the bytes carry, or undefined when they are none of the accepted formats. */
export function sniffTicketType(bytes: Buffer): TicketContentType | undefined {
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  if (startsWith(bytes, PDF)) return 'application/pdf';
  return undefined;
}
