// The contract for reporting a delayed journey (flow 6, PRODUCT.md "Journeys"): the report's
// state, what the machine asks the runtime to do, and what the runtime answers.

/** A Europe/London wall-clock time. */
export type ClockTime = { hour: number; minute: number };

/** What the passenger has told us so far; every field is optional until the summary. */
export type JourneyDraft = {
  /** The travel date in Europe/London, YYYY-MM-DD. */
  date?: string;
  originCrs?: string;
  destinationCrs?: string;
  departure?: ClockTime;
  arrival?: ClockTime;
  journeyType?: 'single' | 'return';
  /** Ids of the ticket files the runtime stored for this report; [] once the passenger skipped. */
  ticketFileIds?: string[];
};

/** The question the passenger is answering. */
export type JourneyAsk =
  | 'date'
  | 'origin' // "<origin> to <destination>" or an origin alone
  | 'destination'
  | 'choose-origin' // a numbered list of stations (choices holds their CRS codes)
  | 'choose-destination'
  | 'departure'
  | 'arrival'
  | 'ticket-type'
  | 'ticket' // a photo or PDF, or SKIP
  | 'summary' // YES to submit, EDIT to change a field
  | 'edit'; // which field (1-5) to change

export type JourneyField = 'date' | 'stations' | 'times' | 'ticket-type' | 'ticket';

export type ReportingJourney = {
  step: 'journey';
  ask: JourneyAsk;
  draft: JourneyDraft;
  /** CRS codes offered in a numbered list (choose-origin / choose-destination). */
  choices?: string[];
  /** Set while one field is being changed from the summary: back to the summary after it. */
  editing?: boolean;
};

/** A draft with every field, as submitted; times as ISO 8601 with the London offset of that day. */
export type CompleteJourney = {
  date: string;
  originCrs: string;
  destinationCrs: string;
  departureDatetime: string;
  arrivalDatetime: string;
  journeyType: 'single' | 'return';
  ticketFileIds: string[];
};

/** A journey as STATUS lists it. */
export type JourneySummary = {
  reference: string;
  date: string;
  originCrs: string;
  destinationCrs: string;
  status: string;
  /** The compensation offered, then the amount paid; null before the claim is evaluated. */
  amountPence?: number | null;
};

export type JourneyEffect =
  /** Fetch the message's media from Twilio, check and store it; answered by ticket-stored. */
  | { type: 'store-ticket'; media: ReadonlyArray<{ url: string; contentType: string }> }
  /** Forget ticket files stored for a report that was cancelled. */
  | { type: 'discard-tickets'; ticketFileIds: string[] }
  /** Commit the journey, its ticket files and journey.created in one transaction; answered by journey-submitted. */
  | { type: 'submit-journey'; journey: CompleteJourney }
  /** Load the passenger's last five journeys; answered by journeys-loaded. */
  | { type: 'load-journeys' };

export type JourneyInput =
  | {
      kind: 'ticket-stored';
      /** stored: every file kept; too-large / unsupported: refused (nothing kept); failed: Twilio had no such media. */
      outcome: 'stored' | 'too-large' | 'unsupported' | 'failed';
      ticketFileIds: string[];
    }
  | { kind: 'journey-submitted'; reference: string }
  | { kind: 'journeys-loaded'; journeys: JourneySummary[] };
