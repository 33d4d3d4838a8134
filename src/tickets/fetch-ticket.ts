// Downloads the ticket a passenger sent (a WhatsApp photo or PDF) from Twilio, as Twilio documents
// it: GET the MediaUrl with Basic auth, which redirects to a short-lived signed URL on Twilio's
// media store, fetched without the credentials. The file is kept only if its bytes are an image
// or a PDF, whatever type was declared. docs/decisions/0019-ticket-media.md.
import type { Config } from '../config';
import { readCappedBody } from './read-capped-body';
import { MAX_TICKET_BYTES, sniffTicketType, type TicketContentType } from './ticket-type';
import {
  basicAuth,
  discard,
  isOutageStatus,
  MEDIA_REQUEST_TIMEOUT_MS,
  twilioFailure,
  withoutAnswer,
} from './twilio-media-http';
import { parseTwilioMediaUrl, twilioApiOrigin } from './twilio-media-url';

export { deleteTicketMedia, type DeletedTicketMedia } from './delete-ticket-media';
// Twilio's WhatsApp limit is 16 MB (5 MB for images); a ticket scan needs far less.
export { MAX_TICKET_BYTES, type TicketContentType } from './ticket-type';
/** Twilio redirects once (to its media store); past a little slack, a chain is not Twilio's. */
export const MAX_REDIRECTS = 3;

export type FetchedTicket = {
  ok: true;
  bytes: Buffer;
  /** What the bytes are, not what the sender declared. */
  contentType: TicketContentType;
  mediaSid: string | undefined;
};
export type RefusedTicket = { ok: false; reason: 'not-twilio' | 'too-large' | 'unsupported' | 'not-found' };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const refused = (reason: RefusedTicket['reason']): RefusedTicket => ({ ok: false, reason });

/**
 * Fetches one inbound media item. Refusals are answers (not-twilio, too-large, unsupported,
 * not-found); Twilio being unreachable, slow or failing (429, 5xx) throws a retryable
 * TwilioApiError so the sender's turn waits and tries again. `media.contentType` (the declared
 * type) is deliberately unused: the bytes decide.
 */
export async function fetchTicket(
  deps: { twilio: Config['twilio'] },
  media: { url: string; contentType: string },
  options: { timeoutMs?: number } = {},
): Promise<FetchedTicket | RefusedTicket> {
  const target = parseTwilioMediaUrl(deps.twilio, media.url);
  if (target === undefined) return refused('not-twilio');
  const timeoutMs = options.timeoutMs ?? MEDIA_REQUEST_TIMEOUT_MS;
  const apiOrigin = new URL(twilioApiOrigin(deps.twilio));

  let url = target.url;
  // Only the first request, to Twilio's API, carries the credentials. Identity encoding keeps
  // Content-Length honest and the size limit about the file itself.
  let headers: Record<string, string> = { authorization: basicAuth(deps.twilio), 'accept-encoding': 'identity' };
  for (let redirects = 0; ; redirects += 1) {
    // One timeout per request, covering its body as well as its headers.
    const signal = AbortSignal.timeout(timeoutMs);
    const requested = url;
    const response = await withoutAnswer(() => fetch(requested, { headers, redirect: 'manual', signal }));
    if (REDIRECTS.has(response.status)) {
      await discard(response);
      const next = redirects < MAX_REDIRECTS ? redirectTarget(response, url, apiOrigin) : undefined;
      if (next === undefined) return refused('not-found');
      url = next;
      headers = { 'accept-encoding': 'identity' };
      continue;
    }
    if (isOutageStatus(response.status)) throw await twilioFailure(response, `media ${target.mediaSid}`);
    if (!response.ok) {
      // 404: deleted or never there. Other 4xx (401, 403, 410) are no better on a retry.
      await discard(response);
      return refused('not-found');
    }
    return readTicket(response, target.mediaSid);
  }
}

/**
 * Where a redirect may lead: https anywhere (Twilio's media store is on another host), plain http
 * only from the local stand-in to itself. Undefined when it may not be followed.
 */
function redirectTarget(response: Response, from: URL, apiOrigin: URL): URL | undefined {
  const location = response.headers.get('location');
  if (location === null) return undefined;
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    return undefined;
  }
  if (next.username !== '' || next.password !== '') return undefined;
  if (next.protocol === 'https:') return next;
  const localStandIn = apiOrigin.protocol === 'http:' && LOOPBACK_HOSTS.has(apiOrigin.hostname);
  return next.protocol === 'http:' && localStandIn && LOOPBACK_HOSTS.has(next.hostname) ? next : undefined;
}

async function readTicket(response: Response, mediaSid: string): Promise<FetchedTicket | RefusedTicket> {
  const declaredLength = Number(response.headers.get('content-length') ?? NaN);
  if (declaredLength > MAX_TICKET_BYTES) {
    await discard(response);
    return refused('too-large');
  }
  const bytes = await withoutAnswer(() => readCappedBody(response.body, MAX_TICKET_BYTES));
  if (bytes === 'too-large') return refused('too-large');
  const contentType = sniffTicketType(bytes);
  if (contentType === undefined) return refused('unsupported');
  return { ok: true, bytes, contentType, mediaSid };
}
