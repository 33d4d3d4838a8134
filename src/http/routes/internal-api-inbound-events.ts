// The internal API's kept inbound events: claim events that could not be handled (malformed, an
// unknown journey), listed for an operator and replayed as stored or with a corrected envelope.
// Installed by makeInternalApiRouter behind its bearer-token check, before its JSON parser: a
// corrected envelope may be up to 64 KiB, as the event itself may, and that parser stops at 16 KB.
import type { Response, Router } from 'express';
import type { Deps } from '../../deps';
import { MAX_EVENT_BYTES } from '../../inbound-events/envelope';
import { replayKeptEvent } from '../../inbound-events/replay-kept-event';
import { listKeptEvents, type KeptEvent } from '../../repos/inbound-events';
import { BodyTooLargeError, readRawBody } from '../middleware/read-raw-body';
import { wholeNumber } from './internal-api-journeys';
import { keptEventIdParam, keptEventsLimitQuery, type REPLAY_HANDLED_OUTCOMES } from './internal-api-schemas';

export type InboundEventRoutesDeps = Pick<Deps, 'db' | 'queues' | 'clock' | 'logger' | 'metrics'>;

function fail(
  res: Response,
  status: 400 | 404 | 409 | 413 | 415,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.status(status).set(headers).json({ code, message });
}

/** The JSON form of a kept event (keptEventBody in internal-api-schemas.ts). */
function keptEventView(kept: KeptEvent) {
  return {
    id: kept.id,
    source: kept.source,
    stream_entry_id: kept.streamEntryId,
    event_id: kept.eventId,
    event_type: kept.eventType,
    reason: kept.reason,
    kept_at: kept.keptAt.toISOString(),
    raw: kept.raw,
  };
}

export function installInboundEventRoutes(router: Router, deps: InboundEventRoutesDeps): void {
  router.get('/api/v1/inbound-events/kept', async (req, res) => {
    const { limit: given } = req.query;
    const limit = keptEventsLimitQuery.safeParse(
      given === undefined ? undefined : wholeNumber(typeof given === 'string' ? given : undefined),
    );
    if (!limit.success) return fail(res, 400, 'INVALID_LIMIT', 'limit must be a whole number from 1 to 500');
    const kept = await listKeptEvents(deps.db, limit.data);
    res.json({ kept: kept.map(keptEventView) });
  });

  router.post('/api/v1/inbound-events/kept/:id/replay', async (req, res) => {
    const id = keptEventIdParam.safeParse(req.params.id);
    if (!id.success) return fail(res, 400, 'INVALID_KEPT_EVENT_ID', 'the kept event id must be a UUID');

    let body: Buffer;
    try {
      body = await readRawBody(req, MAX_EVENT_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      // The rest of the body is not kept: close the connection rather than reuse it.
      return fail(res, 413, 'BODY_TOO_LARGE', `the body exceeds ${MAX_EVENT_BYTES} bytes`, { connection: 'close' });
    }
    // No body: replay the text as stored. A body is the corrected envelope, as JSON.
    let corrected: string | undefined;
    if (body.toString('utf8').trim() !== '') {
      if (!/^application\/json\s*(;|$)/i.test(req.get('content-type') ?? '')) {
        return fail(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'a corrected envelope must be sent as application/json');
      }
      try {
        corrected = JSON.stringify(JSON.parse(body.toString('utf8')));
      } catch {
        return fail(res, 400, 'INVALID_JSON', 'the body is not valid JSON');
      }
    }

    const result = await replayKeptEvent(deps, id.data, corrected);
    deps.logger.info(
      { keptId: id.data, corrected: corrected !== undefined, outcome: result.outcome },
      'operator replayed a kept inbound event through the API',
    );
    switch (result.outcome) {
      case 'not-found':
        return fail(res, 404, 'KEPT_EVENT_NOT_FOUND', 'no kept event with this id');
      case 'already-replayed':
        return fail(res, 409, 'KEPT_EVENT_ALREADY_REPLAYED', 'this kept event has been replayed already');
      case 'kept':
        // Still not handled: the kept event stays open, with its original reason.
        return void res.status(422).json({ outcome: 'kept', reason: result.reason });
      default: {
        // Compiles only while every other outcome is one the schema and document list.
        const outcome: (typeof REPLAY_HANDLED_OUTCOMES)[number] = result.outcome;
        res.status(200).json({ outcome });
      }
    }
  });
}
