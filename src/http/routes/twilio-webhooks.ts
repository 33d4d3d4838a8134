// Twilio's webhooks. The request only checks, parses and enqueues: no database work, no Twilio
// call and no conversation logic, so it answers in milliseconds and a slow dependency cannot
// make Twilio time out. Everything else happens in the workers.
import type { Request, RequestHandler, Response } from 'express';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import type { Deps } from '../../main/deps';
import { JOB, QUEUE } from '../../jobs/queues';
import { makeArrivalRecorder } from '../../jobs/sender-arrival';
import { maskPhone, phoneFromWhatsAppAddress } from '../../phone';
import { BodyTooLargeError, readFormBody } from '../middleware/read-form-body';
import { parseInboundWebhook, parseStatusWebhook } from '../twilio-webhook-fields';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const TWIML_HEADERS = { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(EMPTY_TWIML) };
// Twilio waits up to 15 s; answering 503 well before lets its retry and fallback URL take over
// while Redis is unreachable, instead of holding the request open.
const ENQUEUE_TIMEOUT_MS = 1_000;

type WebhookDeps = Pick<Deps, 'config' | 'queues' | 'redis' | 'keys' | 'logger' | 'clock' | 'metrics'>;

class EnqueueTimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EnqueueTimeoutError(`enqueue took over ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Reads and authenticates the form; answers the error itself and returns undefined on failure. */
async function readSignedForm(
  deps: WebhookDeps,
  req: Request,
  res: Response,
): Promise<Record<string, string> | undefined> {
  let form: Record<string, string>;
  try {
    form = await readFormBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.status(413).type('text/plain').send('request body too large');
      return undefined;
    }
    throw error;
  }
  const signature = req.headers['x-twilio-signature'];
  const url = deps.config.publicBaseUrl + req.originalUrl;
  if (typeof signature !== 'string' || !validateRequest(deps.config.twilio.authToken, signature, url, form)) {
    res.status(403).type('text/plain').send('invalid Twilio signature');
    return undefined;
  }
  return form;
}

function answerUnavailable(deps: WebhookDeps, res: Response, error: unknown, messageSid: string): void {
  deps.logger.error(
    { requestId: res.locals.requestId, err: (error as Error).message, messageSid },
    'could not enqueue webhook; answering 503',
  );
  res.status(503).set('Retry-After', '1').type('text/plain').send('temporarily unavailable');
}

/** The success answer, written directly: Express's send() would hash the body for an ETag. */
function answerTwiml(res: Response): void {
  res.writeHead(200, TWIML_HEADERS).end(EMPTY_TWIML);
}

export const WEBHOOK_PATHS = { inbound: '/webhooks/twilio/whatsapp', status: '/webhooks/twilio/status' } as const;

/**
 * One middleware for both webhooks, matched on the exact path: a mounted Router and its route
 * layers cost a measurable share of this hot path and buy nothing for two fixed URLs.
 */
export function makeTwilioWebhooks(deps: WebhookDeps): RequestHandler {
  const inbound = deps.queues[QUEUE.inbound];
  const statuses = deps.queues[QUEUE.messageStatus];
  const recordArrival = makeArrivalRecorder(deps.redis, deps.keys);

  const receiveInbound = async (req: Request, res: Response): Promise<void> => {
    const form = await readSignedForm(deps, req, res);
    if (!form) return;
    const parsed = parseInboundWebhook(form, deps.clock.now());
    if (!parsed.ok) {
      res.status(400).type('text/plain').send(`malformed webhook: ${parsed.reason}`);
      return;
    }
    const { job } = parsed;
    const phone = phoneFromWhatsAppAddress(job.from)!;
    try {
      // Both in one round trip: jobId = MessageSid makes a redelivery add nothing, and the
      // arrival number keeps the sender's messages in order in the workers.
      await withTimeout(
        Promise.all([
          inbound.add(JOB.inboundMessage, job, { jobId: job.messageSid }),
          recordArrival({ messageSid: job.messageSid, phone }),
        ]),
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      answerUnavailable(deps, res, error, job.messageSid);
      return;
    }
    deps.logger.debug(
      { requestId: res.locals.requestId, messageSid: job.messageSid, from: maskPhone(phone), media: job.media.length },
      'inbound queued',
    );
    answerTwiml(res);
  };

  const receiveStatus = async (req: Request, res: Response): Promise<void> => {
    const form = await readSignedForm(deps, req, res);
    if (!form) return;
    const parsed = parseStatusWebhook(form, deps.clock.now());
    if (!parsed.ok) {
      res.status(400).type('text/plain').send(`malformed webhook: ${parsed.reason}`);
      return;
    }
    const { job } = parsed;
    try {
      // One job per message and status; '-' because BullMQ refuses ':' in custom job ids.
      await withTimeout(
        statuses.add(JOB.messageStatus, job, { jobId: `${job.messageSid}-${job.messageStatus}` }),
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      answerUnavailable(deps, res, error, job.messageSid);
      return;
    }
    answerTwiml(res);
  };

  const handlers = new Map<string, (req: Request, res: Response) => Promise<void>>([
    [WEBHOOK_PATHS.inbound, receiveInbound],
    [WEBHOOK_PATHS.status, receiveStatus],
  ]);
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    const query = req.url.indexOf('?');
    const handler = handlers.get(query === -1 ? req.url : req.url.slice(0, query));
    if (!handler) return next();
    handler(req, res).catch(next);
  };
}
