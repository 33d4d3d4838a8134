// Flows 3 and 5: the main menu of a verified sender and the settings screens.
import { preferenceDefaults, type Preferences } from '../preferences/registry';
import { findStation, stationByCrs, type Station } from '../stations/find-station';
import { reportFromSentence, startReport } from './journey';
import { matches, normalise } from './keywords';
import { act, say } from './say';
import { texts } from './texts';
import type { ConversationContext, ConversationState, Decision } from './types';

export function showMenu(...before: string[]): Decision {
  return say({ step: 'menu' }, ...before, texts.menu);
}

export function showSettings(preferences: Preferences, ...before: string[]): Decision {
  return say(
    { step: 'settings' },
    ...before,
    texts.settings({
      notifications: preferences.notifications ?? preferenceDefaults.notifications,
      homeStation: homeStationLabel(preferences.home_station),
      optedOut: preferences.opted_out ?? preferenceDefaults.opted_out,
      quietHours: preferences.quiet_hours ?? preferenceDefaults.quiet_hours,
    }),
  );
}

/** "Manchester Piccadilly (MAN)" for a stored code; the bare code if the dataset lost it. */
function homeStationLabel(crs: string | undefined): string | undefined {
  if (crs === undefined) return undefined;
  const station = stationByCrs(crs);
  return station ? `${station.name} (${station.crs})` : crs;
}

export function onMenu(text: string, context: ConversationContext, returning: boolean): Decision {
  if (matches(text, '1')) return startReport({ draft: {}, fromSentence: false });
  if (matches(text, '2', 'settings')) return showSettings(context.preferences);
  if (matches(text, '3', 'help')) return say({ step: 'menu' }, texts.help);
  const start = reportFromSentence(text, context);
  if (start) return startReport(start);
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
  const quiet = normalise(text)
    .replace(/^quiet ?hours? ?/, 'quiet ')
    .trim();
  if (matches(quiet, '3', 'quiet', 'quiet on', 'quiet off')) {
    const current = context.preferences.quiet_hours ?? preferenceDefaults.quiet_hours;
    const value = quiet.endsWith(' on') ? true : quiet.endsWith(' off') ? false : !current;
    return act(
      { step: 'settings' },
      [{ type: 'set-preference', key: 'quiet_hours', value }],
      texts.quietHoursSet(value),
    );
  }
  const start = reportFromSentence(text, context);
  if (start) return startReport(start);
  return say({ step: 'settings' }, texts.settingsHint);
}

/** A choice number from the last "did you mean" list, or else a new search. */
export function onHomeStation(
  text: string,
  state: Extract<ConversationState, { step: 'settings-home-station' }>,
  context: ConversationContext,
): Decision {
  const offered = (state.choices ?? []).map(stationByCrs).filter((s): s is Station => s !== undefined);
  const typed = normalise(text);
  if (offered.length > 0 && /^[0-9]+$/.test(typed)) {
    const chosen = offered[Number(typed) - 1];
    // A number beside the list shows the list again rather than searching names for digits.
    return chosen ? setHomeStation(chosen) : offerChoices(offered);
  }
  // "My train was late" is no station name: it starts a delay report.
  const start = reportFromSentence(text, context);
  if (start) return startReport(start);
  const match = findStation(text);
  switch (match.kind) {
    case 'found':
      return setHomeStation(match.station);
    case 'choose':
      return offerChoices(match.choices);
    case 'none':
      return say({ step: 'settings-home-station' }, texts.homeStationUnknown);
  }
}

function offerChoices(choices: Station[]): Decision {
  return say(
    { step: 'settings-home-station', choices: choices.map((choice) => choice.crs) },
    texts.homeStationChoices(choices),
  );
}

function setHomeStation(station: Station): Decision {
  return act(
    { step: 'settings' },
    [{ type: 'set-preference', key: 'home_station', value: station.crs }],
    texts.homeStationSet(station.name, station.crs),
  );
}
