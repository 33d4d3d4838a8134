// The journey report's database effects (flow 6), called from the sender's turn. Submitting runs
// in one transaction with its event and finds the journey a previous attempt made under the same
// correlation id, so a redelivered or retried YES creates one journey and one journey.created.
import type { CompleteJourney, JourneySummary } from '../conversation/journey-types';
import type { Deps } from '../deps';
import { withTransaction } from '../db/transaction';
import { AppError } from '../errors';
import { journeyCreated, wakeOutboxRelay } from '../events';
import { toLondonIso } from '../journeys/london-time';
import { insertJourney, listJourneys } from '../repos/journeys';
import { appendEvent } from '../repos/outbox';
import { attachTicketFiles, discardTicketFiles, storeTicketFile, type NewTicketFile } from '../repos/ticket-files';
import { lockUserById } from '../repos/users';

export type JourneyEffectsDeps = Pick<Deps, 'db' | 'queues'>;

/** STATUS shows this many journeys (PRODUCT.md, flow 7). */
export const RECENT_JOURNEYS = 5;

/** The passenger's account is gone (deleted since the report started): nothing to attach it to. */
export class JourneyOwnerNotFoundError extends AppError {
  constructor() {
    super('USER_NOT_FOUND', 'no user with this id to own the journey');
  }
}

/**
 * Commits the journey, attaches its staged ticket files and appends journey.created, in one
 * transaction; then wakes the outbox relay. When this user already has a journey under this
 * correlation id, returns its reference with created false and changes nothing.
 */
export async function submitJourney(
  deps: JourneyEffectsDeps,
  input: { userId: string; correlationId: string; journey: CompleteJourney },
): Promise<{ reference: string; created: boolean }> {
  const { journey } = input;
  const result = await withTransaction(deps.db, async (client) => {
    // The user's row lock orders this with a concurrent submit of the same YES and with
    // DELETE MY DATA, and shows the user still exists.
    if ((await lockUserById(client, input.userId)) === undefined) throw new JourneyOwnerNotFoundError();
    const inserted = await insertJourney(client, {
      userId: input.userId,
      correlationId: input.correlationId,
      travelDate: journey.date,
      originCrs: journey.originCrs,
      destinationCrs: journey.destinationCrs,
      departureDatetime: journey.departureDatetime,
      arrivalDatetime: journey.arrivalDatetime,
      journeyType: journey.journeyType,
    });
    if (!inserted.created) return { reference: inserted.reference, created: false };
    const mediaCount = await attachTicketFiles(client, {
      journeyId: inserted.id,
      userId: input.userId,
      ids: journey.ticketFileIds,
    });
    await appendEvent(
      client,
      journeyCreated({
        journeyId: inserted.id,
        userId: input.userId,
        reference: inserted.reference,
        originCrs: inserted.originCrs,
        destinationCrs: inserted.destinationCrs,
        departureDatetime: toLondonIso(inserted.departureDatetime),
        arrivalDatetime: toLondonIso(inserted.arrivalDatetime),
        journeyType: inserted.journeyType,
        mediaCount,
        correlationId: input.correlationId,
      }),
    );
    return { reference: inserted.reference, created: true };
  });
  if (result.created) await wakeOutboxRelay(deps.queues);
  return result;
}

/** The passenger's last five journeys, newest first, as STATUS lists them. */
export async function listRecentJourneys(deps: JourneyEffectsDeps, userId: string): Promise<JourneySummary[]> {
  const journeys = await listJourneys(deps.db, userId, RECENT_JOURNEYS);
  return journeys.map((journey) => ({
    reference: journey.reference,
    date: journey.travelDate,
    originCrs: journey.originCrs,
    destinationCrs: journey.destinationCrs,
    status: journey.status,
    amountPence: journey.amountPence,
  }));
}

/** Forgets the files staged for a cancelled report; files already attached stay. Returns the count. */
export async function discardTickets(
  deps: JourneyEffectsDeps,
  userId: string,
  ids: readonly string[],
): Promise<number> {
  return discardTicketFiles(deps.db, userId, ids);
}

/** Stores a checked ticket file for the report being written; submitJourney attaches it by id. */
export async function stageTicketFile(deps: JourneyEffectsDeps, file: NewTicketFile): Promise<{ id: string }> {
  return storeTicketFile(deps.db, file);
}
