import { parseTwilioMediaUrl } from '../../src/tickets/twilio-media-url';

const ACCOUNT = 'AC' + 'a1'.repeat(16);
const MESSAGE = 'MM' + 'c3'.repeat(16);
const MEDIA = 'ME' + 'd4'.repeat(16);
const PATH = `/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`;
const twilio = { accountSid: ACCOUNT, apiBaseUrl: undefined };

describe('which MediaUrls are our account media on Twilio', () => {
  it("accepts our account's media on https://api.twilio.com, naming its message and media", () => {
    const parsed = parseTwilioMediaUrl(twilio, `https://api.twilio.com${PATH}`);

    expect(parsed).toMatchObject({ messageSid: MESSAGE, mediaSid: MEDIA });
    expect(parsed?.url.href).toBe(`https://api.twilio.com${PATH}`);
  });

  it('accepts an SM message, and the configured API origin instead of Twilio', () => {
    const sm = PATH.replace(MESSAGE, 'SM' + 'c3'.repeat(16));

    expect(parseTwilioMediaUrl(twilio, `https://api.twilio.com${sm}`)).toBeDefined();
    expect(
      parseTwilioMediaUrl({ ...twilio, apiBaseUrl: 'http://127.0.0.1:3099' }, `http://127.0.0.1:3099${PATH}`),
    ).toBeDefined();
    expect(
      parseTwilioMediaUrl({ ...twilio, apiBaseUrl: 'http://127.0.0.1:3099' }, `https://api.twilio.com${PATH}`),
    ).toBeUndefined();
  });

  it.each([
    ['another host', `https://evil.example${PATH}`],
    ['a host that only starts like Twilio', `https://api.twilio.com.evil.example${PATH}`],
    ['plain http', `http://api.twilio.com${PATH}`],
    ['another port', `https://api.twilio.com:8443${PATH}`],
    ['credentials in the URL', `https://user:pass@api.twilio.com${PATH}`],
    ['another account', `https://api.twilio.com${PATH.replace(ACCOUNT, 'AC' + 'ff'.repeat(16))}`],
    ['the JSON resource, not the media', `https://api.twilio.com${PATH}.json`],
    ['a query string', `https://api.twilio.com${PATH}?redirect=https://evil.example`],
    [
      'a path that climbs out',
      `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/../../x`,
    ],
    ['another resource of our account', `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages.json`],
    ['a media SID of the wrong kind', `https://api.twilio.com${PATH.replace(MEDIA, 'RE' + 'd4'.repeat(16))}`],
    ['not a URL', 'not a url'],
  ])('refuses %s', (_, url) => {
    expect(parseTwilioMediaUrl(twilio, url)).toBeUndefined();
  });
});
