// A ticket is kept here first and only then deleted at Twilio; a refused deletion does not fail
// the passenger's report, an unreachable Twilio makes the turn wait.
import { deleteStoredMedia } from '../../src/conversation-runtime/store-tickets';
import { isDependencyOutage } from '../../src/jobs/dependency-outage';
import { makeLogger } from '../../src/logger';
import type { LocalTwilio } from '../../src/twilio/local-twilio';
import { ACCOUNT_SID, AUTH_TOKEN, startStandIn, twilioConfig } from '../twilio/helpers';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(512, 1)]);

let standIn: LocalTwilio;
let deps: Parameters<typeof deleteStoredMedia>[0];

beforeEach(async () => {
  ({ standIn } = await startStandIn({ statusCallbacks: false }));
  deps = { config: { twilio: twilioConfig(standIn.url) } as never, logger: makeLogger('silent') };
});
afterEach(() => standIn.close());

test('the media is deleted at Twilio, and deleting it again is fine', async () => {
  const { url } = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });

  await deleteStoredMedia(deps, [{ url }]);
  await deleteStoredMedia(deps, [{ url }]);

  const auth = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');
  expect((await fetch(url, { headers: { authorization: `Basic ${auth}` } })).status).toBe(404);
});

test('a refused deletion is logged and the report goes on', async () => {
  const { url } = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
  standIn.failNext({ endpoint: 'media-delete', status: 401, code: 20003 });

  await expect(deleteStoredMedia(deps, [{ url }])).resolves.toBeUndefined();
});

test('Twilio unreachable is an outage: the turn waits and tries again', async () => {
  const { url } = standIn.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
  standIn.failNext({ endpoint: 'media-delete', status: 503 });

  const thrown = await deleteStoredMedia(deps, [{ url }]).catch((error: unknown) => error);

  expect(isDependencyOutage(thrown)).toBe(true);
});
