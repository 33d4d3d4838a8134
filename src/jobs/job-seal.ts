// Seals what a job must carry but nobody may read in Redis or Bull Board: the sender's number and
// message text (which may be a verification code). AES-256-GCM with a key derived from the
// service's secret (SENDER_KEY_SECRET); a sealed value is base64url(iv | tag | ciphertext).
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { z } from 'zod';

const IV_BYTES = 12;
const TAG_BYTES = 16;

// GCM needs an IV never used twice with one key; a random 8-byte prefix per process and a 4-byte
// counter give that without reading random bytes for every job (which showed in profiles).
const ivPrefix = randomBytes(8);
let ivCounter = 0;

function nextIv(): Buffer {
  if (ivCounter === 0xffffffff) {
    randomBytes(8).copy(ivPrefix);
    ivCounter = 0;
  }
  const iv = Buffer.allocUnsafe(IV_BYTES);
  ivPrefix.copy(iv, 0);
  iv.writeUInt32BE(ivCounter++, 8);
  return iv;
}

export type JobSeal = {
  seal(value: unknown): string;
  /** Throws when the value was not sealed with this key or was altered. */
  open(sealed: string): unknown;
};

const seals = new Map<string, JobSeal>();

export function jobSeal(secret: string): JobSeal {
  const known = seals.get(secret);
  if (known) return known;
  const key = createHmac('sha256', secret).update('whatsapp-handler job data').digest();
  const seal: JobSeal = {
    seal(value) {
      const iv = nextIv();
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      const bytes = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(text.toString('utf8')) as unknown;
    },
  };
  seals.set(secret, seal);
  return seal;
}

/** Opens a sealed value and checks it against `schema`; undefined when either fails. */
export function openSealed<T>(seal: JobSeal, sealed: string, schema: z.ZodType<T>): T | undefined {
  let opened: unknown;
  try {
    opened = seal.open(sealed);
  } catch {
    return undefined; // sealed with another key, or altered
  }
  const parsed = schema.safeParse(opened);
  return parsed.success ? parsed.data : undefined;
}
