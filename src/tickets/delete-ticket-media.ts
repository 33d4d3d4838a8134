// Deletes a ticket's media from Twilio once the service has its own copy: Twilio keeps received
// media until it is deleted, and a ticket photo is personal data we should not leave behind.
import type { Config } from '../config';
import { basicAuth, discard, MEDIA_REQUEST_TIMEOUT_MS, twilioFailure, withoutAnswer } from './twilio-media-http';
import { parseTwilioMediaUrl } from './twilio-media-url';

export type DeletedTicketMedia = { deleted: true } | { deleted: false; reason: 'already-gone' | 'not-twilio' };

/**
 * DELETE on the Media resource (`<MediaUrl>.json`), which Twilio answers 204. A 404 means it is
 * already gone, which is what we wanted. 429, 5xx and no answer throw a retryable TwilioApiError;
 * any other refusal throws one that is not retryable.
 */
export async function deleteTicketMedia(
  deps: { twilio: Config['twilio'] },
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<DeletedTicketMedia> {
  const target = parseTwilioMediaUrl(deps.twilio, url);
  if (target === undefined) return { deleted: false, reason: 'not-twilio' };
  const resource = new URL(`${target.url.href}.json`);
  const signal = AbortSignal.timeout(options.timeoutMs ?? MEDIA_REQUEST_TIMEOUT_MS);
  const response = await withoutAnswer(() =>
    fetch(resource, {
      method: 'DELETE',
      headers: { authorization: basicAuth(deps.twilio) },
      redirect: 'manual',
      signal,
    }),
  );
  if (response.status === 204 || response.status === 200) {
    await discard(response);
    return { deleted: true };
  }
  if (response.status === 404) {
    await discard(response);
    return { deleted: false, reason: 'already-gone' };
  }
  // TwilioApiError.retryable tells an outage (429, 5xx) from a refusal a retry will not change.
  throw await twilioFailure(response, `deleting media ${target.mediaSid}`);
}
