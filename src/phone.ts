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
