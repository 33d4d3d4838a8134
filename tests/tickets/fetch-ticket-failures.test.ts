// fetchTicket against a Twilio that misbehaves in ways the stand-in does not: no answer, a body
// that stalls, endless redirects, a redirect to plain http elsewhere.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchTicket } from '../../src/tickets/fetch-ticket';
import { TwilioApiError } from '../../src/twilio/gateway';
import { ACCOUNT_SID, rejection, twilioConfig } from '../twilio/helpers';
import { JPEG } from './ticket-files';

const MEDIA_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM${'c3'.repeat(16)}/Media/ME${'d4'.repeat(16)}`;

type FakeTwilio = {
  url: string;
  requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
};

async function fakeTwilio(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeTwilio> {
  const requests: FakeTwilio['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('fetching a ticket from a Twilio that misbehaves', () => {
  let twilio: FakeTwilio | undefined;

  afterEach(async () => {
    jest.restoreAllMocks();
    await twilio?.close();
    twilio = undefined;
  });

  const fetchFrom = (base: string, options: { timeoutMs?: number } = {}) =>
    fetchTicket({ twilio: twilioConfig(base) }, { url: `${base}${MEDIA_PATH}`, contentType: 'image/jpeg' }, options);

  it('throws a retryable TwilioApiError with status 0 when nothing listens', async () => {
    const closed = await fakeTwilio(() => undefined);
    await closed.close();

    const error = await rejection(fetchFrom(closed.url));

    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 0, retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('throws a retryable TwilioApiError with status 0 when Twilio does not answer in time', async () => {
    twilio = await fakeTwilio(() => undefined);

    const error = await rejection(fetchFrom(twilio.url, { timeoutMs: 200 }));

    expect(error).toMatchObject({ status: 0, retryable: true });
    expect((error as Error).message).toContain('TimeoutError');
  });

  it('throws a retryable TwilioApiError with status 0 when the body stalls past the timeout', async () => {
    twilio = await fakeTwilio((_, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 4096 });
      res.write(JPEG.subarray(0, 100));
    });

    const error = await rejection(fetchFrom(twilio.url, { timeoutMs: 200 }));

    expect(error).toMatchObject({ status: 0, retryable: true });
  });

  it('follows at most 3 redirects, then answers not-found', async () => {
    twilio = await fakeTwilio((req, res) => {
      res.writeHead(302, { location: `${req.url ?? ''}/again` });
      res.end();
    });

    const ticket = await fetchFrom(twilio.url);

    expect(ticket).toEqual({ ok: false, reason: 'not-found' });
    expect(twilio.requests.map((r) => r.path)).toEqual([
      MEDIA_PATH,
      `${MEDIA_PATH}/again`,
      `${MEDIA_PATH}/again/again`,
      `${MEDIA_PATH}/again/again/again`,
    ]);
    // Only the request to the MediaUrl itself carries the credentials.
    expect(twilio.requests.map((r) => r.authorization !== undefined)).toEqual([true, false, false, false]);
  });

  it('follows a redirect to a relative location, and the ticket comes from there', async () => {
    twilio = await fakeTwilio((req, res) => {
      if (req.url === MEDIA_PATH) {
        res.writeHead(307, { location: '/store/abc' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(JPEG);
    });

    const ticket = await fetchFrom(twilio.url);

    expect(ticket).toMatchObject({ ok: true, contentType: 'image/jpeg' });
    expect(twilio.requests.map((r) => r.path)).toEqual([MEDIA_PATH, '/store/abc']);
  });

  it.each([
    ['plain http on another host', 'http://media.example/store/abc'],
    ['credentials in the location', 'https://user:secret@media.example/store/abc'],
    ['no location at all', undefined],
  ])('does not follow a redirect to %s', async (_, location) => {
    twilio = await fakeTwilio((_req, res) => {
      res.writeHead(302, location === undefined ? {} : { location });
      res.end();
    });
    const requests = jest.spyOn(globalThis, 'fetch');

    const ticket = await fetchFrom(twilio.url);

    expect(ticket).toEqual({ ok: false, reason: 'not-found' });
    expect(requests).toHaveBeenCalledTimes(1);
  });

  it('throws a retryable TwilioApiError when the media store answers 503, reading no Twilio code from a non-JSON page', async () => {
    twilio = await fakeTwilio((req, res) => {
      if (req.url === MEDIA_PATH) {
        res.writeHead(307, { location: '/store/abc' });
        res.end();
        return;
      }
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>Service Unavailable</html>');
    });

    const error = await rejection(fetchFrom(twilio.url));

    expect(error).toMatchObject({ status: 503, code: undefined, retryable: true });
  });
});
