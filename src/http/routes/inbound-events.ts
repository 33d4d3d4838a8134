// POST /api/v1/events: claim events other RailRepay services send over HTTP, signed with Standard
// Webhooks (INBOUND_EVENTS_SECRET) rather than carrying the internal API's bearer token. The
// request only verifies, checks the envelope and appends it to the inbound events stream, the one
// the other services also write to, so a single consumer acts on both; it answers in milliseconds.
import { Router, type Response } from 'express';
import type { Deps } from '../../deps';
import { MAX_EVENT_BYTES, parseEnvelope } from '../../inbound-events/envelope';
import { queueEventOnce } from '../../inbound-events/queue-event-once';
import { makeReplicaWait } from '../../redis-replicas';
import { verifyStandardWebhook } from '../../inbound-events/verify-standard-webhook';
import { BodyTooLargeError, readRawBody } from '../middleware/read-raw-body';

export const INBOUND_EVENTS_PATH = '/api/v1/events';

export type InboundEventsDeps = Pick<Deps, 'config' | 'redis' | 'keys' | 'logger' | 'clock'>;

function refuse(res: Response, status: number, error: string, headers: Record<string, string> = {}): void {
  res.status(status).set(headers).json({ error });
}

export function makeInboundEventsRouter(deps: InboundEventsDeps): Router {
  const router = Router();
  const { secret, stream } = deps.config.inboundEvents;
  const replicated = makeReplicaWait(deps.redis);

  router.post(INBOUND_EVENTS_PATH, async (req, res) => {
    const requestId = res.locals.requestId as string | undefined;
    // Without a secret the route does not exist, and answers as any unknown path does.
    if (secret === undefined) return void res.status(404).json({ code: 'NOT_FOUND', message: 'not found' });
    if (!/^application\/json\s*(;|$)/i.test(req.get('content-type') ?? '')) {
      return refuse(res, 415, 'content-type must be application/json');
    }

    let body: Buffer;
    try {
      body = await readRawBody(req, MAX_EVENT_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      // The rest of the body is not kept: close the connection rather than reuse it.
      return refuse(res, 413, `body over ${MAX_EVENT_BYTES} bytes`, { connection: 'close' });
    }

    // Before anything reads the body: an unsigned body is not looked at.
    const verified = verifyStandardWebhook(secret, req.headers, body, deps.clock.now());
    if (!verified.ok) {
      deps.logger.warn({ requestId, reason: verified.reason }, 'inbound event refused: signature');
      return refuse(res, 401, verified.reason);
    }

    const text = body.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refuse(res, 400, 'body is not JSON');
    }
    const parsed = parseEnvelope(json);
    if (parsed.kind === 'malformed') {
      // The sender is told directly, so nothing is kept for an operator (unlike the stream route).
      deps.logger.warn({ requestId, eventId: parsed.eventId, reason: parsed.reason }, 'inbound event refused');
      return refuse(res, 422, parsed.reason);
    }

    const { event_id: eventId, event_type: eventType } = parsed.envelope;
    let result;
    try {
      result = await queueEventOnce(deps.redis, deps.keys, stream, verified.webhookId, {
        eventId,
        eventType,
        envelopeJson: text,
      });
    } catch (error) {
      deps.logger.error({ requestId, eventId, err: (error as Error).message }, 'could not queue inbound event');
      return refuse(res, 503, 'temporarily unavailable', { 'retry-after': '1' });
    }
    if (result.outcome === 'in-progress') {
      return refuse(res, 409, 'a delivery with this webhook-id is being queued', { 'retry-after': '1' });
    }
    if (result.outcome === 'duplicate') return void res.status(200).json({ status: 'duplicate', event_id: eventId });
    if (!result.remembered) {
      deps.logger.warn({ requestId, eventId }, 'inbound event queued but its webhook-id not remembered');
    }
    // On a cluster, 202 once a replica holds the entry (as a webhook's job: src/redis-replicas.ts).
    if (replicated !== undefined && !(await replicated(stream))) {
      deps.logger.warn({ requestId, eventId }, 'no replica confirmed the event');
    }
    res.status(202).json({ status: 'queued', event_id: eventId });
  });

  return router;
}
