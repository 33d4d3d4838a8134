// The stand-in serves media as Twilio documents it: the MediaUrl needs Basic auth and redirects
// to a short-lived link on a media store that needs none; DELETE on the .json resource is 204.
import { ACCOUNT_SID, AUTH_TOKEN, startStandIn, type MovableClock } from './helpers';
import type { LocalTwilio } from '../../src/twilio/local-twilio';

const auth = { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` };
const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

describe('media on the local stand-in', () => {
  let standIn: LocalTwilio;
  let clock: MovableClock;

  beforeEach(async () => {
    ({ standIn, clock } = await startStandIn());
  });
  afterEach(async () => {
    await standIn.close();
  });

  const redirectOf = async (url: string) => {
    const response = await fetch(url, { headers: auth, redirect: 'manual' });
    await response.arrayBuffer();
    return { status: response.status, location: response.headers.get('location') ?? '' };
  };

  it('gives a MediaUrl of its account under a new MM message, or under the message given', () => {
    const first = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg' });
    const second = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg', messageSid: 'SM' + 'ab'.repeat(16) });

    expect(first.url).toBe(
      `${standIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${first.messageSid}/Media/${first.mediaSid}`,
    );
    expect(first.messageSid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(first.mediaSid).toMatch(/^ME[0-9a-f]{32}$/);
    expect(second.messageSid).toBe('SM' + 'ab'.repeat(16));
  });

  it("answers the MediaUrl without credentials with 401 and Twilio's error body", async () => {
    const media = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg' });

    const response = await fetch(media.url, { redirect: 'manual' });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: 20003,
      message: expect.any(String),
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('redirects an authenticated GET with 307 to its media store, which serves the bytes without credentials', async () => {
    const media = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg' });

    const { status, location } = await redirectOf(media.url);
    const stored = await fetch(location);

    expect(status).toBe(307);
    expect(location.startsWith(`${standIn.url}/media-store/`)).toBe(true);
    expect(stored.status).toBe(200);
    expect(stored.headers.get('content-type')).toBe('image/jpeg');
    expect(stored.headers.get('content-length')).toBe(String(PHOTO.length));
    expect(Buffer.from(await stored.arrayBuffer())).toEqual(PHOTO);
    expect(standIn.mediaStoreRequests()).toEqual([{ mediaSid: media.mediaSid, withAuthorization: false }]);
  });

  it('records a media store request that carried credentials, and still serves it', async () => {
    const media = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg' });
    const { location } = await redirectOf(media.url);

    const stored = await fetch(location, { headers: auth });
    await stored.arrayBuffer();

    expect(stored.status).toBe(200);
    expect(standIn.mediaStoreRequests()).toEqual([{ mediaSid: media.mediaSid, withAuthorization: true }]);
  });

  it('serves without Content-Length when asked to', async () => {
    const media = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg', withoutContentLength: true });

    const stored = await fetch((await redirectOf(media.url)).location);

    expect(stored.headers.get('content-length')).toBeNull();
    expect(Buffer.from(await stored.arrayBuffer())).toEqual(PHOTO);
  });

  it('lets a media store link lapse after 4 hours, as Twilio documents', async () => {
    const media = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg' });
    const { location } = await redirectOf(media.url);

    clock.advance(4 * 60 * 60 * 1000);
    const lapsed = await fetch(location);
    await lapsed.arrayBuffer();

    expect(lapsed.status).toBe(404);
  });

  it('deletes media with 204, after which the MediaUrl, the resource and old links are 404', async () => {
    const media = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg' });
    const { location } = await redirectOf(media.url);

    const deleted = await fetch(`${media.url}.json`, { method: 'DELETE', headers: auth });
    const again = await fetch(`${media.url}.json`, { method: 'DELETE', headers: auth });
    const content = await redirectOf(media.url);
    const resource = await fetch(`${media.url}.json`, { headers: auth });
    const link = await fetch(location);

    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: 20404, status: 404 });
    expect(content.status).toBe(404);
    expect(resource.status).toBe(404);
    expect(link.status).toBe(404);
    await Promise.all([resource.arrayBuffer(), link.arrayBuffer()]);
  });

  it('answers 404 for media under another message or another account', async () => {
    const media = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg' });

    const otherMessage = await redirectOf(media.url.replace(media.messageSid, 'MM' + '0'.repeat(32)));
    const otherAccount = await redirectOf(media.url.replace(ACCOUNT_SID, 'AC' + '0'.repeat(32)));

    expect(otherMessage.status).toBe(404);
    expect(otherAccount.status).toBe(404);
  });

  it('stores a file posted to /_local/media, the way `npm run chat` sends one', async () => {
    const messageSid = 'MM' + 'ef'.repeat(16);

    const response = await fetch(`${standIn.url}/_local/media?messageSid=${messageSid}`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: PHOTO,
    });
    const added = (await response.json()) as { url: string; mediaSid: string; messageSid: string };
    const stored = await fetch((await redirectOf(added.url)).location);

    expect(response.status).toBe(201);
    expect(added.messageSid).toBe(messageSid);
    expect(added.url).toBe(
      `${standIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${messageSid}/Media/${added.mediaSid}`,
    );
    expect(stored.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await stored.arrayBuffer())).toEqual(PHOTO);
  });

  it('refuses a /_local/media message SID that is not one', async () => {
    const response = await fetch(`${standIn.url}/_local/media?messageSid=nope`, { method: 'POST', body: PHOTO });

    expect(response.status).toBe(400);
    await response.arrayBuffer();
  });

  it('forgets media on reset', async () => {
    const media = standIn.addMedia({ bytes: PHOTO, contentType: 'image/jpeg' });

    standIn.reset();

    expect((await redirectOf(media.url)).status).toBe(404);
  });
});
