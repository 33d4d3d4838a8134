// Flow 6: reporting a delayed journey, one question per step (PRODUCT.md "Journeys"). The report
// lives in the state as a draft; a step's answer fills its field and the next question is the
// first field still missing, so answers given early (a sentence that named the date and the
// stations) are never asked for again. EDIT clears the field it changes, so the same rule brings
// the passenger straight back to the summary. Choices where the spec is silent: docs/decisions/0018.
import { addDays, londonDate } from '../journeys/london-time';
import { journeyTimes, parseClockTime } from '../journeys/parse-clock-time';
import { parseTravelDate, type TravelDate } from '../journeys/parse-travel-date';
import { readDelayIntent } from '../journeys/read-delay-intent';
import { readYesNo } from '../journeys/yes-no';
import { findStation, stationByCrs, type Station, type StationMatch } from '../stations/find-station';
import {
  fieldOf,
  isSkip,
  isSubmit,
  readChoiceNumber,
  readDestination,
  readEdit,
  readRoute,
  readTicketType,
} from './journey-read';
import { isIsoDate, longDate, stationLabel, summaryFields } from './journey-show';
import type {
  ClockTime,
  JourneyAsk,
  JourneyDraft,
  JourneyField,
  JourneyInput,
  ReportingJourney,
} from './journey-types';
import { normalise } from './keywords';
import { act, say } from './say';
import { texts } from './texts';
import type { ConversationContext, ConversationState, Decision, Effect } from './types';

type Message = { text: string; media: ReadonlyArray<{ url: string; contentType: string }> };
type End = 'origin' | 'destination';

/** What a message says about a delay to report, ready to start a report with. */
export type ReportStart = {
  draft: JourneyDraft;
  /** True when it came from a sentence ("my train was late"), false for DELAY or menu 1. */
  fromSentence: boolean;
  /** A date the sentence named but that cannot be claimed (future, too old): said before asking. */
  dateRefusal?: string;
  /** The station phrases as the sentence had them, resolved or not. */
  phrases?: { from?: string; to?: string };
};

const dateOptions = (context: ConversationContext) => ({
  now: context.now,
  claimWindowDays: context.settings.claimWindowDays,
});

// ---------------------------------------------------------------------------------------------
// Starting a report

/** A sentence that reads as a delay to report, with the date and stations it names; else undefined. */
export function reportFromSentence(text: string, context: ConversationContext): ReportStart | undefined {
  const intent = readDelayIntent(text, dateOptions(context));
  if (!intent.intent) return undefined;
  const draft: JourneyDraft = {};
  if (intent.date !== undefined) draft.date = intent.date;
  const from = intent.from === undefined ? undefined : uniqueStation(intent.from);
  const to = intent.to === undefined ? undefined : uniqueStation(intent.to);
  if (from) draft.originCrs = from.crs;
  if (to && to.crs !== from?.crs) draft.destinationCrs = to.crs;
  const typedDate = intent.date === undefined ? parseTravelDate(text, dateOptions(context)) : undefined;
  const dateRefusal =
    typedDate !== undefined && !typedDate.ok && typedDate.reason !== 'not-a-date'
      ? refusalOf(typedDate, context)
      : undefined;
  const phrases = {
    ...(intent.from !== undefined && { from: intent.from }),
    ...(intent.to !== undefined && { to: intent.to }),
  };
  return { draft, fromSentence: true, phrases, ...(dateRefusal !== undefined && { dateRefusal }) };
}

function uniqueStation(typed: string): Station | undefined {
  const match = findStation(typed);
  return match.kind === 'found' ? match.station : undefined;
}

/** The first question of a new report, after what the passenger already told. */
export function startReport(start: ReportStart, ...before: string[]): Decision {
  const next = journey(start.draft, nextMissing(start.draft));
  const noted = notedLines(start.draft);
  return say(
    next,
    ...before,
    start.fromSentence ? texts.reportFromSentence : texts.reportIntro,
    ...(noted ? [noted] : []),
    ...(start.dateRefusal !== undefined ? [start.dateRefusal] : []),
    question(next),
  );
}

function notedLines(draft: JourneyDraft): string | undefined {
  if (draft.date === undefined && draft.originCrs === undefined && draft.destinationCrs === undefined) return undefined;
  return texts.reportNoted({
    ...(draft.date !== undefined && { date: longDate(draft.date) }),
    ...(draft.originCrs !== undefined && { from: stationLabel(draft.originCrs) }),
    ...(draft.destinationCrs !== undefined && { to: stationLabel(draft.destinationCrs) }),
  });
}

// ---------------------------------------------------------------------------------------------
// The report's state

const ORDER: ReadonlyArray<JourneyAsk> = [
  'date',
  'origin',
  'destination',
  'departure',
  'arrival',
  'ticket-type',
  'ticket',
  'summary',
];

/** The first field the draft lacks, as the question for it; 'summary' when nothing is missing. */
export function nextMissing(draft: JourneyDraft): JourneyAsk {
  if (draft.date === undefined) return 'date';
  if (draft.originCrs === undefined) return 'origin';
  if (draft.destinationCrs === undefined) return 'destination';
  if (draft.departure === undefined) return 'departure';
  if (draft.arrival === undefined) return 'arrival';
  if (draft.journeyType === undefined) return 'ticket-type';
  if (draft.ticketFileIds === undefined) return 'ticket';
  return 'summary';
}

function journey(draft: JourneyDraft, ask: JourneyAsk, editing = false, choices?: string[]): ReportingJourney {
  return {
    step: 'journey',
    ask,
    draft,
    ...(choices !== undefined && { choices }),
    ...(editing && ask !== 'summary' && { editing: true }),
  };
}

const isClock = (value: unknown): value is ClockTime =>
  typeof value === 'object' &&
  value !== null &&
  Number.isInteger((value as ClockTime).hour) &&
  Number.isInteger((value as ClockTime).minute) &&
  (value as ClockTime).hour >= 0 &&
  (value as ClockTime).hour <= 23 &&
  (value as ClockTime).minute >= 0 &&
  (value as ClockTime).minute <= 59;

const isCrs = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Z]{3}$/.test(value) && stationByCrs(value) !== undefined;

/**
 * The stored report as the machine can use it: the state comes back from Redis as JSON, written
 * by this or an older version, so every field is checked and one that does not hold is asked for
 * again; a question the draft is not ready for becomes the first missing one.
 */
export function tidyJourney(state: ReportingJourney): ReportingJourney {
  const stored: Record<string, unknown> =
    typeof state.draft === 'object' && state.draft !== null ? (state.draft as Record<string, unknown>) : {};
  const draft: JourneyDraft = {};
  if (isIsoDate(stored.date)) draft.date = stored.date;
  if (isCrs(stored.originCrs)) draft.originCrs = stored.originCrs;
  if (isCrs(stored.destinationCrs) && stored.destinationCrs !== stored.originCrs) {
    draft.destinationCrs = stored.destinationCrs;
  }
  if (isClock(stored.departure)) draft.departure = { hour: stored.departure.hour, minute: stored.departure.minute };
  if (isClock(stored.arrival)) draft.arrival = { hour: stored.arrival.hour, minute: stored.arrival.minute };
  if (stored.journeyType === 'single' || stored.journeyType === 'return') draft.journeyType = stored.journeyType;
  const ids = stored.ticketFileIds;
  if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) draft.ticketFileIds = [...ids];

  const editing = state.editing === true;
  const missing = nextMissing(draft);
  const choices = Array.isArray(state.choices) ? state.choices.filter(isCrs) : [];
  let ask: JourneyAsk = state.ask;
  if (ask === 'choose-origin' && choices.length === 0) ask = 'origin';
  if (ask === 'choose-destination' && choices.length === 0) ask = 'destination';
  if (ask === 'edit' && missing !== 'summary') ask = missing;
  const place = ORDER.indexOf(ask === 'choose-origin' ? 'origin' : ask === 'choose-destination' ? 'destination' : ask);
  // Unknown, or further on than the draft allows (a destination with no origin, a summary of half a journey).
  if (ask !== 'edit' && (place < 0 || place > ORDER.indexOf(missing))) ask = missing;
  return journey(draft, ask, editing, ask === 'choose-origin' || ask === 'choose-destination' ? choices : undefined);
}

/** The question of the step the report is at, saying what to type. */
export function question(state: ReportingJourney): string {
  const { draft } = state;
  switch (state.ask) {
    case 'date':
      return texts.askDate;
    case 'origin':
      return draft.destinationCrs === undefined
        ? texts.askStations
        : texts.askOrigin(stationLabel(draft.destinationCrs));
    case 'destination':
      return draft.originCrs === undefined ? texts.askStations : texts.askDestination(stationLabel(draft.originCrs));
    case 'choose-origin':
    case 'choose-destination':
      return texts.stationChoices(state.ask === 'choose-origin' ? 'origin' : 'destination', offered(state));
    case 'departure':
      return texts.askDeparture;
    case 'arrival':
      return texts.askArrival;
    case 'ticket-type':
      return texts.askTicketType;
    case 'ticket':
      return texts.askTicket;
    case 'summary':
      // Only a whole draft has a summary; tidyJourney sees to that, this is the fallback.
      return nextMissing(draft) === 'summary'
        ? texts.summary(summaryFields(draft as Required<JourneyDraft>))
        : question(journey(draft, nextMissing(draft)));
    case 'edit':
      return texts.askEdit;
  }
}

function offered(state: ReportingJourney): Station[] {
  return (state.choices ?? []).map((crs) => stationByCrs(crs)).filter((s): s is Station => s !== undefined);
}

/** The step asked again, after the reason it was. */
function again(state: ReportingJourney, ...before: string[]): Decision {
  return say(state, ...before, question(state));
}

/** Effects, then the next question: the first field missing, or the summary. */
function moveOn(draft: JourneyDraft, editing: boolean, effects: Effect[] = [], ...before: string[]): Decision {
  const ask = nextMissing(draft);
  const next = journey(draft, ask, editing);
  const changed = editing && ask === 'summary' ? [texts.changed] : [];
  return act(next, effects, ...before, ...changed, question(next));
}

/** Ticket files stored for this report, to be discarded when the report is dropped. */
export function discardTickets(state: ConversationState): Effect[] {
  if (state.step !== 'journey') return [];
  const ids = tidyJourney(state).draft.ticketFileIds ?? [];
  return ids.length > 0 ? [{ type: 'discard-tickets', ticketFileIds: ids }] : [];
}

// ---------------------------------------------------------------------------------------------
// A message during the report

export function onJourney(stored: ReportingJourney, message: Message, context: ConversationContext): Decision {
  const state = tidyJourney(stored);
  const { text, media } = message;
  if (media.length > 0) {
    // A ticket at its step, or a further page once at the summary; elsewhere it waits for its step.
    if (state.ask === 'ticket' || state.ask === 'summary' || state.ask === 'edit') {
      return act(state, [{ type: 'store-ticket', media: media.map(({ url, contentType }) => ({ url, contentType })) }]);
    }
    if (normalise(text) === '') return again(state, texts.ticketLater);
  }
  const filled = fillFromSentence(state, text, context);
  if (filled) return filled;

  switch (state.ask) {
    case 'date':
      return onDate(state, text, context);
    case 'origin':
      return onRoute(state, text);
    case 'destination':
      return onDestination(state, text);
    case 'choose-origin':
      return onChoice(state, text, 'origin');
    case 'choose-destination':
      return onChoice(state, text, 'destination');
    case 'departure':
    case 'arrival': {
      const time = parseClockTime(text);
      if (time === null) return again(state, texts.notATime);
      return moveOn({ ...state.draft, [state.ask]: time }, state.editing === true);
    }
    case 'ticket-type': {
      const journeyType = readTicketType(text);
      if (journeyType === undefined) return again(state, texts.ticketTypeHint);
      return moveOn({ ...state.draft, journeyType }, state.editing === true);
    }
    case 'ticket': {
      if (!isSkip(text)) return say(state, texts.ticketHint);
      // No ticket; one stored before (being changed by EDIT) goes.
      return moveOn({ ...state.draft, ticketFileIds: [] }, state.editing === true, discardTickets(state));
    }
    case 'summary':
      return onSummary(state, text, context);
    case 'edit':
      return onEditAsk(state, text, context);
  }
}

/**
 * Mid-report, a sentence about the delay ("it was the 8:05 from Leeds to York, late yesterday")
 * fills the fields still missing that it names, and the report goes on from there. It never
 * changes an answer already given: that is what EDIT is for. A sentence that fills nothing is
 * read by the step itself where the step can (a date in it, a station to choose), and otherwise
 * gets the step's question again.
 */
function fillFromSentence(state: ReportingJourney, text: string, context: ConversationContext): Decision | undefined {
  if (state.ask === 'summary' || state.ask === 'edit' || state.ask === 'ticket') return undefined;
  const start = reportFromSentence(text, context);
  if (start === undefined) return undefined;
  const { draft } = state;
  const added: JourneyDraft = {};
  const { date, originCrs, destinationCrs } = start.draft;
  if (draft.date === undefined && date !== undefined) added.date = date;
  if (draft.originCrs === undefined && originCrs !== undefined && originCrs !== draft.destinationCrs) {
    added.originCrs = originCrs;
  }
  const origin = draft.originCrs ?? added.originCrs;
  if (draft.destinationCrs === undefined && destinationCrs !== undefined && destinationCrs !== origin) {
    added.destinationCrs = destinationCrs;
  }
  const noted = notedLines(added);
  if (noted !== undefined) {
    const filled = { ...draft, ...added };
    const refusal = start.dateRefusal !== undefined && filled.date === undefined ? [start.dateRefusal] : [];
    return moveOn(filled, state.editing === true, [], noted, ...refusal);
  }
  const { from, to } = start.phrases ?? {};
  const editing = state.editing === true;
  if ((state.ask === 'origin' || state.ask === 'choose-origin') && from !== undefined) {
    return onRoute(journey(draft, 'origin', editing), to === undefined ? from : `${from} to ${to}`);
  }
  if ((state.ask === 'destination' || state.ask === 'choose-destination') && to !== undefined) {
    return onDestination(journey(draft, 'destination', editing), to);
  }
  // The date step reads a date out of a sentence itself, and says why one cannot be claimed.
  if (state.ask === 'date') return undefined;
  return again(state, texts.alreadyReporting);
}

function refusalOf(date: Extract<TravelDate, { ok: false }>, context: ConversationContext): string {
  switch (date.reason) {
    case 'future':
      return texts.dateFuture;
    case 'too-old':
      return texts.dateTooOld(context.settings.claimWindowDays);
    case 'not-a-date':
      return texts.dateNotRead;
  }
}

function onDate(state: ReportingJourney, text: string, context: ConversationContext): Decision {
  const date = parseTravelDate(text, dateOptions(context));
  if (!date.ok) return again(state, refusalOf(date, context));
  return moveOn({ ...state.draft, date: date.date }, state.editing === true);
}

const withoutStations = ({ originCrs: _o, destinationCrs: _d, ...rest }: JourneyDraft): JourneyDraft => rest;

/** Both ends in one message, or the origin alone (then the destination is asked, unless known). */
function onRoute(state: ReportingJourney, text: string): Decision {
  const editing = state.editing === true;
  const route = readRoute(text);
  if (route.to === undefined) return setOrigin(state, findStation(route.from));
  const from = findStation(route.from);
  const to = findStation(route.to);
  const asked = journey(withoutStations(state.draft), 'origin', editing);
  if (from.kind === 'none') return again(asked, texts.stationUnknown);
  if (from.kind === 'choose') {
    // The destination, when it is clear, is kept while the origin is chosen.
    const draft = to.kind === 'found' ? { ...asked.draft, destinationCrs: to.station.crs } : asked.draft;
    return offer(draft, 'origin', from.choices, editing);
  }
  const origin = from.station;
  const draft: JourneyDraft = { ...asked.draft, originCrs: origin.crs };
  switch (to.kind) {
    case 'found':
      if (to.station.crs === origin.crs) return again(asked, texts.sameStation(stationLabel(origin.crs)));
      return moveOn({ ...draft, destinationCrs: to.station.crs }, editing);
    case 'choose':
      return offer(draft, 'destination', to.choices, editing);
    case 'none':
      return again(journey(draft, 'destination', editing), texts.stationUnknown);
  }
}

function onDestination(state: ReportingJourney, text: string): Decision {
  // Both ends typed again: the route is taken as a whole.
  if (readRoute(text).to !== undefined) return onRoute(journey(state.draft, 'origin', state.editing === true), text);
  return setDestination(state, findStation(readDestination(text)));
}

function setOrigin(state: ReportingJourney, match: StationMatch): Decision {
  const editing = state.editing === true;
  const asked = journey(state.draft, 'origin', editing);
  const { destinationCrs } = state.draft;
  switch (match.kind) {
    case 'found':
      if (match.station.crs === destinationCrs) return again(asked, texts.sameStation(stationLabel(destinationCrs)));
      return moveOn({ ...state.draft, originCrs: match.station.crs }, editing);
    case 'choose':
      return offer(state.draft, 'origin', match.choices, editing);
    case 'none':
      return again(asked, texts.stationUnknown);
  }
}

function setDestination(state: ReportingJourney, match: StationMatch): Decision {
  const editing = state.editing === true;
  const asked = journey(state.draft, 'destination', editing);
  const { originCrs } = state.draft;
  switch (match.kind) {
    case 'found':
      if (match.station.crs === originCrs) return again(asked, texts.sameStation(stationLabel(originCrs)));
      return moveOn({ ...state.draft, destinationCrs: match.station.crs }, editing);
    case 'choose':
      return offer(state.draft, 'destination', match.choices, editing);
    case 'none':
      return again(asked, texts.stationUnknown);
  }
}

/** A numbered list of stations for one end; the other end, already known, is left out of it. */
function offer(draft: JourneyDraft, end: End, choices: Station[], editing: boolean): Decision {
  const other = end === 'origin' ? draft.destinationCrs : draft.originCrs;
  const left = choices.filter((choice) => choice.crs !== other);
  const ask = end === 'origin' ? 'origin' : 'destination';
  if (left.length === 0) return again(journey(draft, ask, editing), texts.sameStation(stationLabel(other ?? '')));
  const next = journey(
    draft,
    end === 'origin' ? 'choose-origin' : 'choose-destination',
    editing,
    left.map((choice) => choice.crs),
  );
  return say(next, question(next));
}

function onChoice(state: ReportingJourney, text: string, end: End): Decision {
  const number = readChoiceNumber(text);
  const editing = state.editing === true;
  if (number === undefined) {
    // Not a number: a new search for that end.
    return end === 'origin'
      ? onRoute(journey(state.draft, 'origin', editing), text)
      : onDestination(journey(state.draft, 'destination', editing), text);
  }
  const choices = offered(state);
  const chosen = number >= 1 ? choices[number - 1] : undefined;
  if (chosen === undefined) return again(state, texts.choiceNotInList(choices.length));
  const found: StationMatch = { kind: 'found', station: chosen };
  return end === 'origin'
    ? setOrigin(journey(state.draft, 'origin', editing), found)
    : setDestination(journey(state.draft, 'destination', editing), found);
}

// ---------------------------------------------------------------------------------------------
// Summary, EDIT and submission

function onSummary(state: ReportingJourney, text: string, context: ConversationContext): Decision {
  if (isSubmit(text)) return submit(state, context);
  const edit = readEdit(text);
  if (edit === 'which' || (edit === undefined && readYesNo(text) === 'no')) {
    return say(journey(state.draft, 'edit'), texts.askEdit);
  }
  if (edit !== undefined) return startEdit(state, edit);
  return say(state, texts.summaryHint);
}

function onEditAsk(state: ReportingJourney, text: string, context: ConversationContext): Decision {
  if (isSubmit(text)) return submit(state, context);
  const edit = readEdit(text);
  const field = edit === 'which' ? undefined : (edit ?? fieldOf(text, true));
  if (field !== undefined) return startEdit(state, field);
  // Nothing to change after all: the summary again.
  if (readYesNo(text) === 'no') return again(journey(state.draft, 'summary'));
  if (edit === 'which') return say(state, texts.askEdit);
  return say(state, texts.editHint, texts.askEdit);
}

/** The field's question, with its answer cleared; answering it comes back to the summary. */
function startEdit(state: ReportingJourney, field: JourneyField): Decision {
  const draft = { ...state.draft };
  switch (field) {
    case 'date':
      delete draft.date;
      break;
    case 'stations':
      delete draft.originCrs;
      delete draft.destinationCrs;
      break;
    case 'times':
      delete draft.departure;
      delete draft.arrival;
      break;
    case 'ticket-type':
      delete draft.journeyType;
      break;
    case 'ticket':
      // Kept until a new ticket or SKIP replaces it (then discarded): a report is never without its answer.
      return again(journey(draft, 'ticket', true));
  }
  return again(journey(draft, nextMissing(draft), true));
}

function submit(state: ReportingJourney, context: ConversationContext): Decision {
  const { draft } = state;
  if (nextMissing(draft) !== 'summary') return moveOn(draft, false);
  const { date, originCrs, destinationCrs, departure, arrival, journeyType, ticketFileIds } =
    draft as Required<JourneyDraft>;
  // A summary left overnight may have slipped out of the claim window.
  const today = londonDate(context.now);
  const window = context.settings.claimWindowDays;
  if (date > today || date < addDays(today, -window)) {
    const { date: _stale, ...rest } = draft;
    return again(journey(rest, 'date', true), date > today ? texts.dateFuture : texts.dateTooOld(window));
  }
  const times = journeyTimes(date, departure, arrival);
  // No reply here: the journey-submitted outcome, fed back by the runtime, carries the reference.
  return act(journey(draft, 'summary'), [
    {
      type: 'submit-journey',
      journey: { date, originCrs, destinationCrs, ...times, journeyType, ticketFileIds: [...ticketFileIds] },
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Outcomes the runtime feeds back

type TicketStored = Extract<JourneyInput, { kind: 'ticket-stored' }>;

export function onTicketStored(state: ConversationState, input: TicketStored, context: ConversationContext): Decision {
  const ids = Array.isArray(input.ticketFileIds) ? input.ticketFileIds.filter((id) => typeof id === 'string') : [];
  if (state.step !== 'journey' || context.user?.verified !== true) {
    // No report to keep it for: the files go.
    const effects: Effect[] =
      context.user !== undefined && ids.length > 0 ? [{ type: 'discard-tickets', ticketFileIds: ids }] : [];
    return act(state, effects, texts.ticketNotExpected);
  }
  const current = tidyJourney(state);
  const { draft } = current;
  if (input.outcome === 'stored' && ids.length > 0) {
    if (current.ask === 'ticket') {
      // A new ticket replaces the one an EDIT is changing.
      return moveOn({ ...draft, ticketFileIds: ids }, false, discardTickets(current), texts.ticketReceived);
    }
    // At the summary: another page (or the ticket's other side) of the same report.
    const withPage: JourneyDraft = { ...draft, ticketFileIds: [...(draft.ticketFileIds ?? []), ...ids] };
    const next = current.ask === 'edit' ? journey(withPage, nextMissing(withPage)) : { ...current, draft: withPage };
    return again(next, texts.ticketAdded);
  }
  // Refused: nothing was kept (any id sent back anyway is discarded), and the step is asked again.
  const stray: Effect[] = ids.length > 0 ? [{ type: 'discard-tickets', ticketFileIds: ids }] : [];
  const reason =
    input.outcome === 'too-large'
      ? [texts.ticketTooLarge, texts.ticketAccepted]
      : input.outcome === 'unsupported'
        ? [texts.ticketUnsupported, texts.ticketAccepted]
        : [texts.ticketFailed];
  if (current.ask === 'summary' || current.ask === 'edit') {
    return act(journey(draft, nextMissing(draft)), stray, ...reason, texts.summaryHint);
  }
  return act(current, stray, ...reason, question(current));
}

export function onJourneySubmitted(reference: string): Decision {
  return say({ step: 'menu' }, texts.submitted(String(reference).slice(0, 40)), texts.menu);
}
