// Flows 3 and 5: the main menu of a verified sender and the settings screens.
import { preferenceDefaults, type Preferences } from '../preferences/registry';
import { resolveHomeStation } from './home-station';
import { matches, normalise } from './keywords';
import { act, say } from './say';
import { texts } from './texts';
import type { ConversationContext, Decision } from './types';

export function showMenu(...before: string[]): Decision {
  return say({ step: 'menu' }, ...before, texts.menu);
}

export function showSettings(preferences: Preferences, ...before: string[]): Decision {
  return say(
    { step: 'settings' },
    ...before,
    texts.settings({
      notifications: preferences.notifications ?? preferenceDefaults.notifications,
      homeStation: preferences.home_station,
      optedOut: preferences.opted_out ?? preferenceDefaults.opted_out,
    }),
  );
}

export function onMenu(text: string, context: ConversationContext, returning: boolean): Decision {
  // Journey reporting (flow 6) takes over option 1 when it exists.
  if (matches(text, '1', 'report', 'report a delay', 'delay')) return say({ step: 'menu' }, texts.reportComingSoon);
  if (matches(text, '2', 'settings')) return showSettings(context.preferences);
  if (matches(text, '3', 'help')) return say({ step: 'menu' }, texts.help);
  return returning ? showMenu() : say({ step: 'menu' }, texts.menuHint);
}

export function onSettings(text: string, context: ConversationContext): Decision {
  const typed = normalise(text)
    .replace(/^notifications? ?/, 'notifications ')
    .trim();
  if (matches(typed, '1', 'notifications', 'notifications on', 'notifications off', 'on', 'off')) {
    const current = context.preferences.notifications ?? preferenceDefaults.notifications;
    const value =
      typed.endsWith(' on') || typed === 'on' ? true : typed.endsWith(' off') || typed === 'off' ? false : !current;
    return act(
      { step: 'settings' },
      [{ type: 'set-preference', key: 'notifications', value }],
      texts.notificationsSet(value),
    );
  }
  if (matches(text, '2', 'home station', 'home', 'station')) {
    return say({ step: 'settings-home-station' }, texts.askHomeStation);
  }
  return say({ step: 'settings' }, texts.settingsHint);
}

export function onHomeStation(text: string): Decision {
  const station = resolveHomeStation(text);
  if (station === undefined) return say({ step: 'settings-home-station' }, texts.homeStationUnknown);
  return act(
    { step: 'settings' },
    [{ type: 'set-preference', key: 'home_station', value: station.crs }],
    texts.homeStationSet(station.name, station.crs),
  );
}
