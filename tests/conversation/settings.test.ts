import { decide } from '../../src/conversation/decide';
import { texts } from '../../src/conversation/texts';
import { effectTypes, message, replies, verified } from './fixtures';

describe('main menu (flow 3)', () => {
  it.each(['1', 'report', 'Report a delay', 'DELAY', 'claim'])(
    '"%s" starts a delay report at its first question',
    (text) => {
      const decision = decide({ step: 'menu' }, message(text), verified());

      expect(decision.next).toEqual({ step: 'journey', ask: 'date', draft: {} });
      expect(replies(decision)).toEqual([[texts.reportIntro, texts.askDate].join('\n\n')]);
    },
  );

  it.each(['2', 'settings'])('"%s" opens the settings', (text) => {
    const decision = decide({ step: 'menu' }, message(text), verified());

    expect(decision.next).toEqual({ step: 'settings' });
    expect(replies(decision)[0]).toContain('*Your settings*');
  });

  it.each(['3', 'help'])('"%s" shows the help', (text) => {
    const decision = decide({ step: 'menu' }, message(text), verified());

    expect(decision.next).toEqual({ step: 'menu' });
    expect(replies(decision)).toEqual([texts.help]);
  });

  it('anything else gets a hint with the choices', () => {
    const decision = decide({ step: 'menu' }, message('blue sky'), verified());

    expect(replies(decision)).toEqual([texts.menuHint]);
  });

  it('the main menu no longer calls reporting a delay "coming soon"', () => {
    expect(texts.menu).toContain('*1* Report a delay');
    expect(texts.menu.toLowerCase()).not.toContain('coming soon');
  });
});

describe('settings (flow 5)', () => {
  it('the settings show the defaults when nothing was chosen', () => {
    const decision = decide({ step: 'menu' }, message('2'), verified());

    const [text] = replies(decision);
    expect(text).toContain('Notifications: *on*');
    expect(text).toContain('Home station: *not set*');
    expect(text).toContain('Opted out (STOP): *no*');
  });

  it('the settings show the preferences the user holds', () => {
    const ctx = verified({ preferences: { notifications: false, home_station: 'KGX', opted_out: true } });
    const decision = decide({ step: 'menu' }, message('settings'), ctx);

    const [text] = replies(decision);
    expect(text).toContain('Notifications: *off*');
    expect(text).toContain('Home station: *London Kings Cross (KGX)*');
    expect(text).toContain('Opted out (STOP): *yes*');
  });

  it.each([
    ['notifications off', {}, false],
    ['Notifications ON', { notifications: false }, true],
    ['off', {}, false],
    ['1', {}, false],
    ['1', { notifications: false }, true],
    ['notifications', { notifications: true }, false],
  ] as const)('"%s" with preferences %j sets notifications to %s', (text, preferences, value) => {
    const decision = decide({ step: 'settings' }, message(text), verified({ preferences }));

    expect(decision.effects).toEqual([
      { type: 'set-preference', key: 'notifications', value },
      { type: 'reply', text: texts.notificationsSet(value) },
    ]);
    expect(decision.next).toEqual({ step: 'settings' });
  });

  it.each(['2', 'home station'])('"%s" asks for the home station', (text) => {
    const decision = decide({ step: 'settings' }, message(text), verified());

    expect(decision.next).toEqual({ step: 'settings-home-station' });
    expect(replies(decision)).toEqual([texts.askHomeStation]);
  });

  it.each([
    ['kgx', 'KGX', 'London Kings Cross'],
    [' EUS ', 'EUS', 'London Euston'],
    ['abbey wood', 'ABW', 'Abbey Wood'],
  ])('"%s" sets the home station to %s', (text, crs, name) => {
    const decision = decide({ step: 'settings-home-station' }, message(text), verified());

    expect(effectTypes(decision)).toEqual(['set-preference', 'reply']);
    expect(decision.effects[0]).toEqual({ type: 'set-preference', key: 'home_station', value: crs });
    expect(replies(decision)[0]).toContain(crs);
    expect(replies(decision)[0]).toContain(name);
    expect(decision.next).toEqual({ step: 'settings' });
  });

  it.each(['ZZQ', 'nowhere at all', '12'])('"%s" is not a station and is asked again', (text) => {
    const decision = decide({ step: 'settings-home-station' }, message(text), verified());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(replies(decision)).toEqual([texts.homeStationUnknown]);
    expect(decision.next).toEqual({ step: 'settings-home-station' });
  });

  it('anything else in the settings gets a hint', () => {
    const decision = decide({ step: 'settings' }, message('blue'), verified());

    expect(replies(decision)).toEqual([texts.settingsHint]);
  });
});

describe('home station choices', () => {
  const manchester = decide({ step: 'settings-home-station' }, message('manchester'), verified());
  const offered = manchester.next?.step === 'settings-home-station' ? (manchester.next.choices ?? []) : [];

  it('an ambiguous name lists numbered choices and remembers their codes', () => {
    expect(effectTypes(manchester)).toEqual(['reply']);
    expect(offered.length).toBeGreaterThan(1);
    const reply = replies(manchester)[0]!;
    expect(reply).toMatch(/^Did you mean:/);
    offered.forEach((crs, i) => expect(reply).toContain(`*${i + 1}* `));
    offered.forEach((crs) => expect(reply).toContain(`(${crs})`));
  });

  it('a number picks that choice', () => {
    const decision = decide(manchester.next!, message('2'), verified());
    expect(decision.effects[0]).toEqual({ type: 'set-preference', key: 'home_station', value: offered[1] });
    expect(decision.next).toEqual({ step: 'settings' });
  });

  it('a number beside the list shows the same choices again', () => {
    const decision = decide(manchester.next!, message(String(offered.length + 1)), verified());
    expect(effectTypes(decision)).toEqual(['reply']);
    expect(decision.next).toEqual(manchester.next);
    expect(replies(decision)).toEqual(replies(manchester));
  });

  it('a name instead of a number searches again', () => {
    const decision = decide(manchester.next!, message('kings cross'), verified());
    expect(decision.effects[0]).toEqual({ type: 'set-preference', key: 'home_station', value: 'KGX' });
  });

  it('a command still works in the middle of choosing', () => {
    const decision = decide(manchester.next!, message('menu'), verified());
    expect(decision.next).toEqual({ step: 'menu' });
  });
});
