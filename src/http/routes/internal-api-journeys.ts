// The internal API's journey reads: a user's journeys, one journey, and its ticket files. Installed
// by makeInternalApiRouter behind its bearer-token check; every path is under /api/v1.
import type { Response, Router } from 'express';
import type { Deps } from '../../deps';
import { toLondonIso } from '../../journeys/london-time';
import {
  findJourney,
  listJourneyStatusHistory,
  listJourneys,
  type JourneyStatusChange,
  type JourneyWithTickets,
} from '../../repos/journeys';
import { ticketFile } from '../../repos/ticket-files';
import { findUserById } from '../../repos/users';
import { journeyIdParam, ticketNumberParam, userIdParam } from './internal-api-schemas';

// A passenger reports a few journeys a month; this covers years of them in one small answer.
export const JOURNEY_LIST_LIMIT = 200;

function fail(res: Response, status: 400 | 404, code: string, message: string): void {
  res.status(status).json({ code, message });
}

/** The JSON form of a journey (journeyBody in internal-api-schemas.ts). */
export function journeyView(journey: JourneyWithTickets) {
  return {
    id: journey.id,
    reference: journey.reference,
    user_id: journey.userId,
    origin_crs: journey.originCrs,
    destination_crs: journey.destinationCrs,
    departure_datetime: toLondonIso(journey.departureDatetime),
    arrival_datetime: toLondonIso(journey.arrivalDatetime),
    journey_type: journey.journeyType,
    status: journey.status,
    amount_pence: journey.amountPence,
    claim_reference: journey.claimReference,
    ticket: { media_count: journey.mediaCount },
    created_at: journey.createdAt.toISOString(),
  };
}

/** The JSON form of one status change (journeyStatusChangeBody in internal-api-schemas.ts). */
function statusChangeView(change: JourneyStatusChange) {
  return {
    status: change.status,
    previous_status: change.previousStatus,
    event_id: change.eventId,
    event_type: change.eventType,
    occurred_at: change.occurredAt.toISOString(),
    recorded_at: change.recordedAt.toISOString(),
  };
}

/** A path segment of digits as a number; anything else as NaN, which the schema refuses. */
export const wholeNumber = (segment: string | undefined): number =>
  segment !== undefined && /^[0-9]{1,10}$/.test(segment) ? Number(segment) : Number.NaN;

export function installJourneyRoutes(router: Router, deps: Pick<Deps, 'db'>): void {
  router.get('/api/v1/users/:id/journeys', async (req, res) => {
    const id = userIdParam.safeParse(req.params.id);
    if (!id.success) return fail(res, 400, 'INVALID_USER_ID', 'the user id must be a UUID');
    if (!(await findUserById(deps.db, id.data))) return fail(res, 404, 'USER_NOT_FOUND', 'no user with this id');
    const journeys = await listJourneys(deps.db, id.data, JOURNEY_LIST_LIMIT);
    res.json({ journeys: journeys.map(journeyView) });
  });

  router.get('/api/v1/journeys/:id', async (req, res) => {
    const id = journeyIdParam.safeParse(req.params.id);
    if (!id.success) return fail(res, 400, 'INVALID_JOURNEY_ID', 'the journey id must be a UUID');
    const journey = await findJourney(deps.db, id.data);
    if (!journey) return fail(res, 404, 'JOURNEY_NOT_FOUND', 'no journey with this id');
    const history = await listJourneyStatusHistory(deps.db, journey.id);
    res.json({ ...journeyView(journey), status_history: history.map(statusChangeView) });
  });

  router.get('/api/v1/journeys/:id/tickets/:n', async (req, res) => {
    const id = journeyIdParam.safeParse(req.params.id);
    if (!id.success) return fail(res, 400, 'INVALID_JOURNEY_ID', 'the journey id must be a UUID');
    const n = ticketNumberParam.safeParse(wholeNumber(req.params.n));
    if (!n.success) return fail(res, 400, 'INVALID_TICKET_NUMBER', 'the ticket number must be a whole number from 1');
    const file = await ticketFile(deps.db, id.data, n.data);
    if (!file) {
      if (!(await findJourney(deps.db, id.data))) return fail(res, 404, 'JOURNEY_NOT_FOUND', 'no journey with this id');
      return fail(res, 404, 'TICKET_NOT_FOUND', `the journey has no ticket file ${n.data}`);
    }
    // The bytes came from a passenger: shown as the stored type only (nosniff), never cached
    // anywhere on the way (they are personal data).
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.bytes.length));
    res.setHeader('Content-Disposition', 'inline');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.end(file.bytes);
  });
}
