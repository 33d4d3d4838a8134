// The stand-in's media routes: the Media subresource of Messages (behind Basic auth, like the rest
// of the API), the media store it redirects to (no credentials, like Twilio's signed URLs), and
// POST /_local/media, which lets `npm run chat` and tests put a file there as if a user sent it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { makeFailures } from './failures';
import { LocalTwilioError, readBody, sendJson } from './http-io';
import { mediaJson, mediaPath, type MediaStore, type LocalMedia, type NewLocalMedia } from './media-store';

const MEDIA_LIST = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\.json$/;
const MEDIA_RESOURCE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)\.json$/;
const MEDIA_CONTENT = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)$/;
const STORE = /^\/media-store\/([0-9a-f]+)$/;
const SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

// Big enough to try a file over the service's limit from `npm run chat`.
const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

type Failures = ReturnType<typeof makeFailures>;

const notFound = () => new LocalTwilioError(404, 20404, 'The requested resource was not found');

export type AddedMedia = { url: string; mediaSid: string; messageSid: string };

export function makeMediaRoutes(options: {
  accountSid: string;
  store: MediaStore;
  failures: Failures;
  /** The stand-in's own base URL, known once it listens. */
  baseUrl: () => string;
}) {
  const { accountSid, store, failures } = options;

  function find(match: RegExpExecArray): LocalMedia {
    if (match[1] !== accountSid) throw notFound();
    const found = store.get(match[2] ?? '', match[3] ?? '');
    if (found === undefined) throw notFound();
    return found;
  }

  function add(input: NewLocalMedia): AddedMedia {
    if (input.messageSid !== undefined && !SID.test(input.messageSid))
      throw new LocalTwilioError(400, 20001, 'messageSid must be a message SID (SM or MM)');
    const added = store.add(accountSid, input);
    return { url: options.baseUrl() + mediaPath(added), mediaSid: added.sid, messageSid: added.messageSid };
  }

  return {
    add,

    /** GET /media-store/<token>: the bytes, to whoever holds a live link; credentials are neither needed nor checked. */
    serveStore(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      const match = STORE.exec(url.pathname);
      if (match === null || req.method !== 'GET') return false;
      const found = store.open(match[1] ?? '', req.headers.authorization !== undefined);
      if (found === undefined) throw notFound();
      const headers: Record<string, string | number> = { 'content-type': found.contentType };
      if (found.sendLength) headers['content-length'] = found.bytes.length;
      res.writeHead(200, headers);
      // write() then end(): end(bytes) alone would add a Content-Length.
      res.write(found.bytes);
      res.end();
      return true;
    },

    /** POST /_local/media?messageSid=MM...: the body is the file, its content-type the declared type. */
    async register(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      const bytes = await readBody(req, MAX_UPLOAD_BYTES);
      const contentType = req.headers['content-type'] ?? 'application/octet-stream';
      sendJson(res, 201, add({ bytes, contentType, messageSid: url.searchParams.get('messageSid') ?? undefined }));
    },

    /** The authenticated Media routes; false when the path is not one of them. */
    route(res: ServerResponse, url: URL, method: string): boolean {
      let match: RegExpExecArray | null;
      if ((match = MEDIA_CONTENT.exec(url.pathname)) !== null && method === 'GET') {
        failures.take('media');
        const found = find(match);
        // Twilio redirects to a short-lived signed URL on its media store.
        const location = `${options.baseUrl()}/media-store/${store.link(found)}`;
        res.writeHead(307, { location, 'content-length': 0 });
        res.end();
        return true;
      }
      if ((match = MEDIA_RESOURCE.exec(url.pathname)) !== null && method === 'GET') {
        sendJson(res, 200, mediaJson(find(match)));
        return true;
      }
      if ((match = MEDIA_RESOURCE.exec(url.pathname)) !== null && method === 'DELETE') {
        failures.take('media-delete');
        const found = find(match);
        store.remove(found.messageSid, found.sid);
        res.writeHead(204);
        res.end();
        return true;
      }
      if ((match = MEDIA_LIST.exec(url.pathname)) !== null && method === 'GET') {
        if (match[1] !== accountSid) throw notFound();
        const list = store.list(match[2] ?? '');
        const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${match[2] ?? ''}/Media.json`;
        // One page is enough locally.
        sendJson(res, 200, {
          end: Math.max(0, list.length - 1),
          first_page_uri: `${uri}?PageSize=50&Page=0`,
          media_list: list.map(mediaJson),
          next_page_uri: null,
          page: 0,
          page_size: 50,
          previous_page_uri: null,
          start: 0,
          uri,
        });
        return true;
      }
      return false;
    },
  };
}
