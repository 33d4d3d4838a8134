// The Media subresource of Messages, with Twilio's media store behind it. Twilio answers a GET on
// a Media instance (Basic auth) with a redirect to a signed URL on its media store, valid for 4
// hours and needing no credentials; DELETE removes the media for good. The store here hands out
// random link tokens instead of signatures and records whether a request carried credentials, so
// tests can show a client does not forward them.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock';
import { makeSid, twilioDate } from './sids';

/** How long a media store link works, as Twilio documents for its redirect targets. */
const LINK_LIFETIME_MS = 4 * 60 * 60 * 1000;

export type LocalMedia = {
  sid: string;
  accountSid: string;
  messageSid: string;
  contentType: string;
  bytes: Buffer;
  /** False: the store streams the bytes without a Content-Length, as a client must also handle. */
  sendLength: boolean;
  dateCreated: Date;
};

export type NewLocalMedia = {
  bytes: Buffer;
  contentType: string;
  /** The message the media belongs to; a new MM SID when absent. */
  messageSid?: string;
  /** True: served without a Content-Length header, so only reading the body tells the size. */
  withoutContentLength?: boolean;
};

/** One request to the media store, as the stand-in saw it. */
export type MediaStoreRequest = { mediaSid: string | undefined; withAuthorization: boolean };

/** The Media resource (api.v2010.account.message.media). */
export function mediaJson(m: LocalMedia) {
  return {
    account_sid: m.accountSid,
    content_type: m.contentType,
    date_created: twilioDate(m.dateCreated),
    date_updated: twilioDate(m.dateCreated),
    parent_sid: m.messageSid,
    sid: m.sid,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.messageSid}/Media/${m.sid}.json`,
  };
}

/** Where Twilio serves the media itself: the instance path without an extension. */
export function mediaPath(m: Pick<LocalMedia, 'accountSid' | 'messageSid' | 'sid'>): string {
  return `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.messageSid}/Media/${m.sid}`;
}

export function makeMediaStore(clock: Clock) {
  let media = new Map<string, LocalMedia>();
  let links = new Map<string, { mediaSid: string; expiresAt: number }>();
  let requests: MediaStoreRequest[] = [];

  return {
    add(accountSid: string, input: NewLocalMedia): LocalMedia {
      const added: LocalMedia = {
        sid: makeSid('ME'),
        accountSid,
        messageSid: input.messageSid ?? makeSid('MM'),
        contentType: input.contentType,
        bytes: input.bytes,
        sendLength: input.withoutContentLength !== true,
        dateCreated: clock.now(),
      };
      media.set(added.sid, added);
      return added;
    },
    /** The media if it exists and belongs to that message. */
    get(messageSid: string, sid: string): LocalMedia | undefined {
      const found = media.get(sid);
      return found?.messageSid === messageSid ? found : undefined;
    },
    /** A message's media, oldest first. */
    list(messageSid: string): LocalMedia[] {
      return [...media.values()].filter((m) => m.messageSid === messageSid);
    },
    /** Deletes the media; false when there was none. Its store links stop working with it. */
    remove(messageSid: string, sid: string): boolean {
      if (this.get(messageSid, sid) === undefined) return false;
      media.delete(sid);
      return true;
    },
    /** A new media store link token for the media. */
    link(m: LocalMedia): string {
      const token = randomBytes(24).toString('hex');
      links.set(token, { mediaSid: m.sid, expiresAt: clock.now().getTime() + LINK_LIFETIME_MS });
      return token;
    },
    /** The media a link token opens, if the link is live and the media not deleted; records the request. */
    open(token: string, withAuthorization: boolean): LocalMedia | undefined {
      const link = links.get(token);
      requests.push({ mediaSid: link?.mediaSid, withAuthorization });
      if (link === undefined) return undefined;
      if (clock.now().getTime() >= link.expiresAt) {
        links.delete(token);
        return undefined;
      }
      return media.get(link.mediaSid);
    },
    /** Every request the media store received, oldest first. */
    requests(): MediaStoreRequest[] {
      return [...requests];
    },
    reset(): void {
      media = new Map();
      links = new Map();
      requests = [];
    },
  };
}
export type MediaStore = ReturnType<typeof makeMediaStore>;
