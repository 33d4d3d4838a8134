// A local, stateful stand-in for the parts of Twilio the service calls (Messages with their Media,
// Content templates, and Verify v2), answering in Twilio's shapes so the official client can be
// pointed at it. Used by the tests and by `npm run dev` when no Twilio credentials are set. Never
// for production.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../clock';
import { contentJson, contentPageJson, makeContentStore } from './content-store';
import { makeFailures, type FailNext } from './failures';
import { isAuthorised, LocalTwilioError, readForm, sendError, sendJson } from './http-io';
import { makeMediaRoutes, type AddedMedia } from './media-routes';
import { makeMediaStore, type MediaStoreRequest, type NewLocalMedia } from './media-store';
import { makeMessagesStore, messageJson, type LocalMessage } from './messages-store';
import { makeStatusCallbacks } from './status-callbacks';
import { makeVerifyStore } from './verify-store';
import { makeWhatsAppSwitches } from './whatsapp-switches';

export type { FailNext, LocalEndpoint } from './failures';
export type { DeliveryStep, LocalMessage } from './messages-store';
export type { AddedMedia } from './media-routes';
export type { MediaStoreRequest, NewLocalMedia } from './media-store';

export type LocalTwilioOptions = {
  /** 0 picks a free port. */
  port?: number;
  accountSid: string;
  authToken: string;
  verifyServiceSid: string;
  clock?: Clock;
  /** Called with every code issued, so a developer can complete verification by hand. */
  onCode?: (to: string, code: string) => void;
  /** Post signed delivery callbacks to each message's StatusCallback (default true). */
  statusCallbacks?: boolean;
};

export type LocalTwilio = {
  url: string;
  close(): Promise<void>;
  messages(): LocalMessage[];
  messagesTo(to: string): LocalMessage[];
  lastCode(to: string): string | undefined;
  failNext(failure: FailNext): void;
  /** Stores a file as media a user sent; `url` is its MediaUrl, as a webhook would carry it. */
  addMedia(media: NewLocalMedia): AddedMedia;
  /** Every request to the media store (the redirect target), with whether it carried credentials. */
  mediaStoreRequests(): MediaStoreRequest[];
  /** As POST /_local/whatsapp-window: while closed, free-form messages to the number end 63016. */
  setWindow(to: string, open: boolean): void;
  /** As POST /_local/delivery-errors: later messages to the number end with this code; undefined clears it. */
  setDeliveryError(to: string, errorCode: number | undefined, status?: 'failed' | 'undelivered'): void;
  reset(): void;
};

const MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const VERIFICATIONS = /^\/v2\/Services\/([^/]+)\/Verifications$/;
const VERIFICATION = /^\/v2\/Services\/([^/]+)\/Verifications\/([^/]+)$/;
const VERIFICATION_CHECK = /^\/v2\/Services\/([^/]+)\/VerificationCheck$/;
const CONTENTS = /^\/v1\/Content$/;
const CONTENT = /^\/v1\/Content\/([^/]+)$/;

export async function startLocalTwilio(options: LocalTwilioOptions): Promise<LocalTwilio> {
  const clock = options.clock ?? systemClock;
  const content = makeContentStore({ accountSid: options.accountSid, clock });
  const messages = makeMessagesStore(clock, content);
  const switches = makeWhatsAppSwitches(messages);
  const verify = makeVerifyStore(clock, options.onCode);
  const failures = makeFailures();
  const callbacks = makeStatusCallbacks(options.authToken, messages);
  const mediaStore = makeMediaStore(clock);
  let baseUrl = '';
  const media = makeMediaRoutes({
    accountSid: options.accountSid,
    store: mediaStore,
    failures,
    baseUrl: () => baseUrl,
  });
  const ctx = { accountSid: options.accountSid, serviceSid: options.verifyServiceSid };
  const notFound = () => new LocalTwilioError(404, 20404, 'The requested resource was not found');

  function account(sid: string | undefined): void {
    if (sid !== options.accountSid) throw notFound();
  }
  function service(sid: string | undefined): void {
    if (sid !== options.verifyServiceSid) throw notFound();
  }
  // The official client puts a number in the path as it is ("+44..."); other clients encode it.
  function pathParam(raw: string | undefined): string {
    try {
      return decodeURIComponent(raw ?? '');
    } catch {
      throw notFound();
    }
  }

  // The local-only control API (no auth: it exists for `npm run chat` and for tests).
  function control(res: ServerResponse, url: URL): void {
    const to = url.searchParams.get('to') ?? '';
    if (url.pathname === '/_local/messages') {
      const list = to === '' ? messages.all() : messages.to(to);
      return sendJson(res, 200, { messages: list.map(messageJson) });
    }
    if (url.pathname === '/_local/verifications/latest') {
      const code = verify.lastCode(to);
      if (code === undefined) throw notFound();
      return sendJson(res, 200, { to, code });
    }
    throw notFound();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/_local/') && method === 'GET') return control(res, url);
    if (url.pathname === '/_local/media' && method === 'POST') return media.register(req, res, url);
    if (await switches.route(req, res, url)) return;
    if (media.serveStore(req, res, url)) return;
    if (!isAuthorised(req, options.accountSid, options.authToken))
      throw new LocalTwilioError(401, 20003, 'Authentication Error - invalid username');
    if (media.route(res, url, method)) return;

    let match: RegExpExecArray | null;
    if ((match = MESSAGES.exec(url.pathname)) !== null) {
      account(match[1]);
      if (method === 'POST') {
        failures.take('messages');
        const message = messages.create(options.accountSid, await readForm(req));
        sendJson(res, 201, messageJson(message));
        if (options.statusCallbacks !== false) callbacks.schedule(message);
        return;
      }
      if (method === 'GET') {
        // Twilio lists newest first, filtered by To and From; one page is enough locally.
        const pageSize = Math.min(1000, Math.max(1, Number(url.searchParams.get('PageSize') ?? 50) || 50));
        const list = messages.list({
          to: url.searchParams.get('To') ?? undefined,
          from: url.searchParams.get('From') ?? undefined,
          limit: pageSize,
        });
        const uri = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
        return sendJson(res, 200, {
          messages: list.map(messageJson),
          end: Math.max(0, list.length - 1),
          first_page_uri: `${uri}?PageSize=${pageSize}&Page=0`,
          next_page_uri: null,
          page: 0,
          page_size: pageSize,
          previous_page_uri: null,
          start: 0,
          uri,
        });
      }
    }
    if ((match = MESSAGE.exec(url.pathname)) !== null && method === 'GET') {
      account(match[1]);
      const message = messages.get(match[2] ?? '');
      if (message === undefined) throw notFound();
      return sendJson(res, 200, messageJson(message));
    }
    if (CONTENTS.test(url.pathname) && method === 'GET') {
      const pageSize = Math.min(1000, Math.max(1, Number(url.searchParams.get('PageSize') ?? 50) || 50));
      return sendJson(res, 200, contentPageJson(content.list(), baseUrl, pageSize));
    }
    if ((match = CONTENT.exec(url.pathname)) !== null && method === 'GET') {
      const found = content.get(pathParam(match[1]));
      if (found === undefined) throw notFound();
      return sendJson(res, 200, contentJson(found, baseUrl));
    }
    if ((match = VERIFICATIONS.exec(url.pathname)) !== null && method === 'POST') {
      service(match[1]);
      failures.take('verifications');
      return sendJson(res, 201, verify.start(ctx, await readForm(req)));
    }
    if ((match = VERIFICATION.exec(url.pathname)) !== null && method === 'POST') {
      service(match[1]);
      failures.take('verification-update');
      return sendJson(res, 200, verify.update(ctx, pathParam(match[2]), await readForm(req)));
    }
    if ((match = VERIFICATION_CHECK.exec(url.pathname)) !== null && method === 'POST') {
      service(match[1]);
      failures.take('verification-check');
      return sendJson(res, 200, verify.check(ctx, await readForm(req)));
    }
    throw notFound();
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof LocalTwilioError) return sendError(res, error);
      sendError(res, new LocalTwilioError(500, 20500, 'Internal Server Error'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    async close() {
      await callbacks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    messages: () => messages.all(),
    messagesTo: (to) => messages.to(to),
    lastCode: (to) => verify.lastCode(to),
    failNext: (failure) => failures.add(failure),
    addMedia: (input) => media.add(input),
    mediaStoreRequests: () => mediaStore.requests(),
    setWindow: (to, open) => messages.setWindow(to, open),
    setDeliveryError: (to, errorCode, status) => messages.setDeliveryError(to, errorCode, status),
    reset() {
      messages.reset();
      verify.reset();
      failures.reset();
      mediaStore.reset();
    },
  };
}
