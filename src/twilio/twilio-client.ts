// The real TwilioGateway: the official twilio client, pointed at Twilio or, when the base URLs are
// set, at another host speaking the same API (the local stand-in). Errors become TwilioApiError so
// callers decide retries from Twilio's status and code alone.
import twilio from 'twilio';
import type { TwilioConfig } from '../config';
import { maskPhone } from '../phone';
import { HttpRequestClient } from './http-request-client';
import { TwilioApiError, type TwilioGateway, type VerificationStatus } from './gateway';

/** Long enough for Twilio on a bad day, short enough that a stuck job is retried rather than held. */
const REQUEST_TIMEOUT_MS = 15_000;

const PHONE_LIKE = /\+?[0-9]{7,15}/g;

// Nothing pending for the number: approved, canceled, expired or never started.
const VERIFY_NOT_FOUND = 20404;

type RestLikeError = { status?: unknown; code?: unknown; message?: unknown };

/** Maps whatever the client threw to a TwilioApiError; anything without an HTTP status is a network failure. */
export function toTwilioApiError(error: unknown): TwilioApiError {
  if (error instanceof TwilioApiError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as RestLikeError;
  const status = typeof e.status === 'number' ? e.status : 0;
  const code = typeof e.code === 'number' ? e.code : undefined;
  // Twilio's messages may quote the recipient's number; the error ends up in logs and job records.
  const detail = (typeof e.message === 'string' ? e.message : String(error)).replace(PHONE_LIKE, (n) => maskPhone(n));
  const message =
    status === 0 ? `Twilio request failed before a response: ${networkReason(e)}` : `Twilio ${status}: ${detail}`;
  return new TwilioApiError(status, code, message);
}

function networkReason(e: RestLikeError): string {
  // Node and axios name the failure in `code` (ECONNREFUSED, ECONNABORTED, ETIMEDOUT, ...).
  return typeof e.code === 'string' ? e.code : 'network error';
}

export function makeTwilioGateway(config: TwilioConfig, options: { timeoutMs?: number } = {}): TwilioGateway {
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const httpClient = new HttpRequestClient(timeout) as unknown as NonNullable<twilio.ClientOpts['httpClient']>;
  const client = twilio(config.accountSid, config.authToken, { timeout, httpClient });
  // Domain.baseUrl is read on every request, so replacing it sends all calls of that product there.
  if (config.apiBaseUrl !== undefined) client.api.baseUrl = config.apiBaseUrl;
  if (config.verifyBaseUrl !== undefined) client.verify.baseUrl = config.verifyBaseUrl;
  const service = () => client.verify.v2.services(config.verifyServiceSid);

  return {
    async sendMessage({ to, body, contentSid, contentVariables, statusCallback }) {
      try {
        const message = await client.messages.create({
          from: config.whatsappFrom,
          to,
          // A template goes as its SID and its variables (a JSON string), never as Body.
          ...(contentSid !== undefined ? { contentSid, contentVariables: JSON.stringify(contentVariables) } : { body }),
          ...(statusCallback !== undefined ? { statusCallback } : {}),
        });
        return { sid: message.sid, status: message.status };
      } catch (error) {
        throw toTwilioApiError(error);
      }
    },

    async startVerification({ to, channel }) {
      try {
        const verification = await service().verifications.create({ to, channel });
        return { sid: verification.sid, status: verification.status as VerificationStatus };
      } catch (error) {
        throw toTwilioApiError(error);
      }
    },

    async checkVerification({ to, code }) {
      try {
        const check = await service().verificationChecks.create({ to, code });
        return { status: check.status as VerificationStatus, valid: check.valid === true };
      } catch (error) {
        throw toTwilioApiError(error);
      }
    },

    async cancelVerification({ to }) {
      try {
        // The Verification's path takes its SID or, as here, the number it was started for.
        await service().verifications(to).update({ status: 'canceled' });
        return { canceled: true };
      } catch (error) {
        const failure = toTwilioApiError(error);
        if (failure.code === VERIFY_NOT_FOUND) return { canceled: false };
        throw failure;
      }
    },

    async recentMessages({ to, limit }) {
      try {
        const messages = await client.messages.list({ to, from: config.whatsappFrom, limit });
        return messages.map((m) => ({ sid: m.sid, body: m.body, dateCreated: m.dateCreated }));
      } catch (error) {
        throw toTwilioApiError(error);
      }
    },
  };
}
