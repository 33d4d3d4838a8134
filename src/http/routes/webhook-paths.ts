/** The two URLs Twilio calls; also the only webhook label values of the duration histogram. */
export const WEBHOOK_PATHS = { inbound: '/webhooks/twilio/whatsapp', status: '/webhooks/twilio/status' } as const;
