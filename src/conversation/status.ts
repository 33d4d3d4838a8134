// Flow 7: STATUS lists the passenger's last five journeys, newest first, with their reference,
// date, route and claim status. The runtime loads them (load-journeys) and feeds them back in the
// same turn (journeys-loaded); a report in progress is kept and its question asked again.
import { statusLine } from './claim-status';
import type { JourneySummary } from './journey-types';
import { question, tidyJourney } from './journey';
import { shortDate, stationName } from './journey-show';
import { say } from './say';
import { texts } from './texts';
import type { ConversationContext, ConversationState, Decision } from './types';

/** At most this many journeys are listed. */
export const STATUS_LIMIT = 5;

export function onJourneysLoaded(
  state: ConversationState,
  journeys: ReadonlyArray<JourneySummary>,
  context: ConversationContext,
): Decision {
  const rows = (Array.isArray(journeys) ? journeys : []).slice(0, STATUS_LIMIT).map((journey) => ({
    reference: String(journey.reference).slice(0, 40),
    date: shortDate(journey.date),
    route: `${stationName(journey.originCrs)} to ${stationName(journey.destinationCrs)}`,
    status: statusLine(journey.status, journey.amountPence),
  }));
  const list = rows.length > 0 ? texts.statusList(rows) : texts.statusNone;
  const verified = context.user?.verified === true;
  if (verified && state.step === 'journey') {
    const report = tidyJourney(state);
    return say(report, list, question(report));
  }
  return say(verified ? { step: 'menu' } : state, list, texts.statusFooter);
}
