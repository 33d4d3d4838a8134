// fetchTicket and deleteTicketMedia against the local stand-in, which serves media as Twilio
// does: Basic auth on the MediaUrl, a 307 to its media store, DELETE on the .json resource.
import type { TwilioConfig } from '../../src/config';
import { isDependencyOutage } from '../../src/jobs/dependency-outage';
import { deleteTicketMedia, fetchTicket, MAX_TICKET_BYTES } from '../../src/tickets/fetch-ticket';
import { TwilioApiError } from '../../src/twilio/gateway';
import type { LocalTwilio } from '../../src/twilio/local-twilio';
import { ACCOUNT_SID, rejection, startStandIn, twilioConfig } from '../twilio/helpers';
import { countBodyBytes } from './count-body-bytes';
import { EXE, JPEG, PDF, PNG, WEBP } from './ticket-files';

const TWENTY_MB = 20 * 1024 * 1024;

/** What became of a fetch, without the bytes: a failed assertion must not print 20 MB. */
const outcome = (ticket: Awaited<ReturnType<typeof fetchTicket>>) => (ticket.ok ? ticket.contentType : ticket.reason);

describe('fetching a ticket from Twilio (the local stand-in)', () => {
  let standIn: LocalTwilio;
  let deps: { twilio: TwilioConfig };

  beforeEach(async () => {
    ({ standIn } = await startStandIn());
    deps = { twilio: twilioConfig(standIn.url) };
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await standIn.close();
  });

  it.each([
    ['a JPEG', JPEG, 'image/jpeg', 'image/jpeg'],
    ['a PNG', PNG, 'image/png', 'image/png'],
    ['a WebP', WEBP, 'image/webp', 'image/webp'],
    ['a PDF', PDF, 'application/pdf', 'application/pdf'],
    ['a PNG declared as a JPEG', PNG, 'image/jpeg', 'image/png'],
    ['a PDF declared as anything', PDF, 'application/octet-stream', 'application/pdf'],
  ])('fetches %s with the type its bytes say', async (_, bytes, declared, checked) => {
    const media = standIn.addMedia({ bytes, contentType: declared });

    const ticket = await fetchTicket(deps, { url: media.url, contentType: declared });

    expect(ticket).toEqual({ ok: true, bytes, contentType: checked, mediaSid: media.mediaSid });
  });

  it('sends the credentials to Twilio only, never to the media store it redirects to', async () => {
    const media = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });

    await fetchTicket(deps, { url: media.url, contentType: 'image/jpeg' });

    expect(standIn.mediaStoreRequests()).toEqual([{ mediaSid: media.mediaSid, withAuthorization: false }]);
  });

  it('refuses a 20 MB file as too-large from its Content-Length, reading none of it', async () => {
    const counted = countBodyBytes();
    const media = standIn.addMedia({
      bytes: Buffer.concat([JPEG, Buffer.alloc(TWENTY_MB)]),
      contentType: 'image/jpeg',
    });

    const ticket = await fetchTicket(deps, { url: media.url, contentType: 'image/jpeg' });

    expect(outcome(ticket)).toBe('too-large');
    // The stream may have pulled a chunk or two before it was cancelled, no more.
    expect(counted.bytes).toBeLessThan(512 * 1024);
  });

  it('stops a 20 MB file sent without Content-Length once just over 10 MB have arrived', async () => {
    const counted = countBodyBytes();
    const media = standIn.addMedia({
      bytes: Buffer.concat([JPEG, Buffer.alloc(TWENTY_MB)]),
      contentType: 'image/jpeg',
      withoutContentLength: true,
    });

    const ticket = await fetchTicket(deps, { url: media.url, contentType: 'image/jpeg' });

    expect(outcome(ticket)).toBe('too-large');
    expect(counted.bytes).toBeGreaterThan(MAX_TICKET_BYTES);
    expect(counted.bytes).toBeLessThan(MAX_TICKET_BYTES + 1024 * 1024);
  });

  it('fetches a file of exactly 10 MB', async () => {
    const bytes = Buffer.concat([PDF, Buffer.alloc(MAX_TICKET_BYTES - PDF.length)]);
    const media = standIn.addMedia({ bytes, contentType: 'application/pdf', withoutContentLength: true });

    const ticket = await fetchTicket(deps, { url: media.url, contentType: 'application/pdf' });

    expect(outcome(ticket)).toBe('application/pdf');
    expect(ticket.ok && ticket.bytes.equals(bytes)).toBe(true);
  });

  it('refuses an .exe declared as image/jpeg as unsupported', async () => {
    const media = standIn.addMedia({ bytes: EXE, contentType: 'image/jpeg' });

    const ticket = await fetchTicket(deps, { url: media.url, contentType: 'image/jpeg' });

    expect(ticket).toEqual({ ok: false, reason: 'unsupported' });
  });

  it.each([
    ['another host', (url: string) => url.replace(/^http:\/\/127\.0\.0\.1:[0-9]+/, 'https://media.evil.example')],
    ['another account', (url: string) => url.replace(ACCOUNT_SID, 'AC' + 'ff'.repeat(16))],
    [
      'another port of the same host',
      (url: string) => url.replace(/:([0-9]+)\//, (_, port: string) => `:${Number(port) + 1}/`),
    ],
  ])('refuses a MediaUrl on %s as not-twilio without any request', async (_, rewrite) => {
    const media = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
    const requests = jest.spyOn(globalThis, 'fetch');

    const ticket = await fetchTicket(deps, { url: rewrite(media.url), contentType: 'image/jpeg' });
    const deleted = await deleteTicketMedia(deps, rewrite(media.url));

    expect(ticket).toEqual({ ok: false, reason: 'not-twilio' });
    expect(deleted).toEqual({ deleted: false, reason: 'not-twilio' });
    expect(requests).not.toHaveBeenCalled();
  });

  it('answers not-found for media Twilio never had', async () => {
    const media = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
    const unknown = media.url.replace(media.mediaSid, 'ME' + '0'.repeat(32));

    expect(await fetchTicket(deps, { url: unknown, contentType: 'image/jpeg' })).toEqual({
      ok: false,
      reason: 'not-found',
    });
  });

  it('answers not-found when Twilio refuses our credentials: a retry would not change it', async () => {
    const media = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
    const wrongToken = { twilio: { ...deps.twilio, authToken: 'not-the-token' } };

    expect(await fetchTicket(wrongToken, { url: media.url, contentType: 'image/jpeg' })).toEqual({
      ok: false,
      reason: 'not-found',
    });
    expect(standIn.mediaStoreRequests()).toEqual([]);
  });

  it.each([503, 429, 500])('throws a retryable TwilioApiError when Twilio answers %d', async (status) => {
    const media = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
    standIn.failNext({ endpoint: 'media', status });

    const error = await rejection(fetchTicket(deps, { url: media.url, contentType: 'image/jpeg' }));

    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status, code: 20000 + status, retryable: true });
    // The sender's turn waits for Twilio instead of failing the message.
    expect(isDependencyOutage(error)).toBe(true);
    // The next try gets the ticket.
    expect(await fetchTicket(deps, { url: media.url, contentType: 'image/jpeg' })).toMatchObject({ ok: true });
  });

  it('deletes the media, after which it is not found, and a second delete is fine', async () => {
    const media = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });

    const first = await deleteTicketMedia(deps, media.url);
    const second = await deleteTicketMedia(deps, media.url);
    const fetched = await fetchTicket(deps, { url: media.url, contentType: 'image/jpeg' });

    expect(first).toEqual({ deleted: true });
    expect(second).toEqual({ deleted: false, reason: 'already-gone' });
    expect(fetched).toEqual({ ok: false, reason: 'not-found' });
  });

  it('throws a retryable TwilioApiError when a delete meets an outage, and a non-retryable one when refused', async () => {
    const media = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
    standIn.failNext({ endpoint: 'media-delete', status: 503 });

    const outage = await rejection(deleteTicketMedia(deps, media.url));
    const refused = await rejection(deleteTicketMedia({ twilio: { ...deps.twilio, authToken: 'wrong' } }, media.url));

    expect(outage).toMatchObject({ status: 503, code: 20503, retryable: true });
    expect(refused).toMatchObject({ status: 401, code: 20003, retryable: false });
    expect(await deleteTicketMedia(deps, media.url)).toEqual({ deleted: true });
  });
});
