// Which MediaUrls the service will fetch: only the Media resources of its own Twilio account, on
// Twilio's API origin. Anything else is refused before a request is made, so a forged webhook
// field can never send our credentials, or our server, somewhere else.
import type { TwilioConfig } from '../config';

/** Where Twilio serves its REST API, media included, unless TWILIO_API_BASE_URL says otherwise. */
export const TWILIO_API_ORIGIN = 'https://api.twilio.com';

// The Media instance without an extension, which Twilio answers with the media itself. The SID
// patterns are those of Twilio's OpenAPI description (parent_sid, sid).
const MEDIA_PATH =
  /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\/((?:SM|MM)[0-9a-fA-F]{32})\/Media\/(ME[0-9a-fA-F]{32})$/;

export type TwilioMediaUrl = { url: URL; messageSid: string; mediaSid: string };

/** The API origin media must be on: the configured base URL's, else Twilio's. */
export function twilioApiOrigin(twilio: Pick<TwilioConfig, 'apiBaseUrl'>): string {
  return new URL(twilio.apiBaseUrl ?? TWILIO_API_ORIGIN).origin;
}

/**
 * The URL when it is on the API origin with no credentials in it, else undefined. The webhook
 * checks this much before queueing a message: a javascript:, file: or metadata-service URL
 * never reaches a job.
 */
export function onTwilioApiOrigin(twilio: Pick<TwilioConfig, 'apiBaseUrl'>, raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.origin !== twilioApiOrigin(twilio) || url.username !== '' || url.password !== '') return undefined;
  return url;
}

/** The media resource a URL names, or undefined when it is not one of our account's on the API origin. */
export function parseTwilioMediaUrl(
  twilio: Pick<TwilioConfig, 'accountSid' | 'apiBaseUrl'>,
  raw: string,
): TwilioMediaUrl | undefined {
  const url = onTwilioApiOrigin(twilio, raw);
  if (url === undefined) return undefined;
  // Twilio's MediaUrl has no query or fragment either; one that does was not written by Twilio.
  if (url.search !== '' || url.hash !== '') return undefined;
  const match = MEDIA_PATH.exec(url.pathname);
  if (match === null || match[1] !== twilio.accountSid) return undefined;
  return { url, messageSid: match[2]!, mediaSid: match[3]! };
}
