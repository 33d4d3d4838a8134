// Builders for delay-report tests: London summer and winter dates, report states at each question,
// and a whole draft to start a summary from.
import type { JourneyAsk, JourneyDraft, ReportingJourney } from '../../src/conversation/journey-types';
import type { ConversationContext } from '../../src/conversation/types';
import { verified } from './fixtures';

/** Wednesday 15 July 2026, noon in London (BST, +01:00). */
export const SUMMER = new Date('2026-07-15T11:00:00.000Z');
/** Friday 20 November 2026, 11:00 in London (GMT, +00:00). */
export const WINTER = new Date('2026-11-20T11:00:00.000Z');

export const inSummer = (o: Partial<ConversationContext> = {}) => verified({ now: SUMMER, ...o });
export const inWinter = (o: Partial<ConversationContext> = {}) => verified({ now: WINTER, ...o });

export function report(
  ask: JourneyAsk,
  draft: JourneyDraft = {},
  extra: Partial<ReportingJourney> = {},
): ReportingJourney {
  return { step: 'journey', ask, draft, ...extra };
}

/** Every field answered, as at the summary of a summer journey. */
export const WHOLE_DRAFT: Required<JourneyDraft> = {
  date: '2026-07-14',
  originCrs: 'LDS',
  destinationCrs: 'YRK',
  departure: { hour: 14, minute: 30 },
  arrival: { hour: 15, minute: 10 },
  journeyType: 'single',
  ticketFileIds: ['file-a'],
};

export const PHOTO = {
  url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
  contentType: 'image/jpeg',
};
export const PDF = {
  url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM2/Media/ME2',
  contentType: 'application/pdf',
};
