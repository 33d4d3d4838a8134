// Phone numbers are stored as E.164 (+447700900123). Twilio writes WhatsApp senders as
// "whatsapp:+447700900123"; logs only ever see the masked form.
const E164 = /^\+[1-9][0-9]{1,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** "whatsapp:+447700900123" -> "+447700900123"; undefined when it is not a WhatsApp E.164 address. */
export function phoneFromWhatsAppAddress(address: string): string | undefined {
  const phone = address.startsWith('whatsapp:') ? address.slice('whatsapp:'.length) : address;
  return isE164(phone) ? phone : undefined;
}

export function whatsAppAddress(phone: string): string {
  return `whatsapp:${phone}`;
}

/** "+447700900123" -> "+44*******0123": enough to correlate, not enough to identify. */
export function maskPhone(value: string): string {
  const phone = value.startsWith('whatsapp:') ? value.slice('whatsapp:'.length) : value;
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

// In a URL path: a "+" or its encoded form "%2B" and the digits after it, spaces ("%20"), dots
// or dashes between them allowed; or a whole path segment of 7 or more digits (a number written
// without its "+", as WhatsApp ids are). Digits inside a longer segment, such as a UUID's last
// group, are left alone.
const PHONE_IN_PATH = /(?:\+|%2[bB])([0-9](?:(?:%20|[-. ])?[0-9])*)|(?<=^|\/)([0-9]{7,})(?=\/|$)/g;
// The shortest numbers in use have 7 digits, country code included.
const MIN_PHONE_DIGITS = 7;

/** "/api/v1/users/%2B447700900123" -> "/api/v1/users/+44******0123": a path fit for a log line. */
export function maskPhonesInPath(path: string): string {
  return path.replace(PHONE_IN_PATH, (match, afterPlus: string | undefined, bare: string | undefined) => {
    if (bare !== undefined) return maskPhone(bare);
    const digits = afterPlus!.replace(/%20|[-. ]/g, '');
    return digits.length < MIN_PHONE_DIGITS ? match : maskPhone(`+${digits}`);
  });
}
