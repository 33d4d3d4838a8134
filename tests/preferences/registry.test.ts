// The registry is the one check every writer goes through: the internal API, the update-preference
// job and the repository. The chat only ever offers stations it found, so the API must refuse the
// same stations the chat would.
import { InvalidPreferenceValueError } from '../../src/errors';
import { parsePreference } from '../../src/preferences/registry';

describe('home_station', () => {
  it('accepts the CRS code of a known station', () => {
    expect(parsePreference('home_station', 'KGX')).toEqual({ key: 'home_station', value: 'KGX' });
  });

  it('refuses a three-letter code that names no station', () => {
    expect(() => parsePreference('home_station', 'ZZZ')).toThrow(InvalidPreferenceValueError);
    expect(() => parsePreference('home_station', 'ZZZ')).toThrow(/known station/);
  });

  it('refuses a code in lower case, a station name and a non-string', () => {
    for (const value of ['kgx', 'Kings Cross', 42, null]) {
      expect(() => parsePreference('home_station', value)).toThrow(InvalidPreferenceValueError);
    }
  });
});
