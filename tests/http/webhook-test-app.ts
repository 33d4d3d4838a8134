// An in-process web app on a real Redis and database, with a helper that signs requests the way
// Twilio does (twilio.getExpectedTwilioSignature over PUBLIC_BASE_URL + path and the form).
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { makeRequestListener } from '../../src/http/app';
import type { Readiness } from '../../src/http/routes/health';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';

export const PUBLIC_BASE_URL = 'https://bot.example.test';

export type WebhookTestApp = TestDeps & {
  url: string;
  readiness: Readiness;
  post(
    path: string,
    form: Record<string, string>,
    options?: { signature?: string | null; signedUrl?: string },
  ): Promise<Response>;
  stop(): Promise<void>;
};

export function messageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export function inboundForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    MessageSid: messageSid(),
    AccountSid: `AC${'0'.repeat(32)}`,
    From: 'whatsapp:+447700900123',
    To: 'whatsapp:+14155238886',
    Body: 'Hello',
    NumMedia: '0',
    ProfileName: 'Pat',
    WaId: '447700900123',
    ...overrides,
  };
}

export async function startWebhookTestApp(env: NodeJS.ProcessEnv = {}): Promise<WebhookTestApp> {
  const t = await makeTestDeps(makeFakeTwilio(), { env: { PUBLIC_BASE_URL, ...env } });
  const readiness: Readiness = { shuttingDown: false };
  const server = createServer(makeRequestListener(t.deps, { readiness }));
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const authToken = t.deps.config.twilio.authToken;
  return {
    ...t,
    url,
    readiness,
    async post(path, form, options = {}) {
      const signedUrl = options.signedUrl ?? `${PUBLIC_BASE_URL}${path}`;
      const signature =
        options.signature === undefined
          ? twilio.getExpectedTwilioSignature(authToken, signedUrl, form)
          : options.signature;
      return fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signature !== null && { 'x-twilio-signature': signature }),
        },
        body: new URLSearchParams(form).toString(),
      });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}
