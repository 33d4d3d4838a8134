// Twilio's webhooks. The request only checks, parses and enqueues: no database work, no Twilio
// call and no conversation logic, so it answers in milliseconds and a slow dependency cannot
// make Twilio time out. Everything else happens in the workers.
//
// They run on plain node:http, in front of the Express app (decision 0006): Express's
// per-request set-up cost more than everything else the web process does for a webhook.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import type { Deps } from '../../deps';
import { JOB, QUEUE } from '../../jobs/queues';
import { needsDeliveryAction } from '../../outbound/delivery-failure';
import { toInboundJob } from '../../jobs/inbound-job';
import { jobSeal } from '../../jobs/job-seal';
import { makeReplicaWait } from '../../redis-replicas';
import { makeArrivalRecorder } from '../../jobs/sender-arrival';
import {
  failSpan,
  injectTraceContext,
  markFailed,
  setSpanAttributes,
  SPAN_ATTR,
  SpanKind,
  withSpan,
} from '../../observability/tracing';
import { phoneFromWhatsAppAddress } from '../../phone';
import { BodyTooLargeError, readFormBody } from '../middleware/read-form-body';
import { makeRequestLogger } from '../middleware/request-log';
import { parseInboundWebhook, parseStatusWebhook } from '../twilio-webhook-fields';
import { WEBHOOK_PATHS } from './webhook-paths';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const TWIML_HEADERS = { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(EMPTY_TWIML) };
// Twilio waits up to 15 s; answering 503 well before lets its retry and fallback URL take over
// while Redis is unreachable, instead of holding the request open.
const ENQUEUE_TIMEOUT_MS = 1_000;

type WebhookDeps = Pick<Deps, 'config' | 'queues' | 'redis' | 'keys' | 'logger' | 'clock' | 'metrics'>;
type Exchange = { req: IncomingMessage; res: ServerResponse; requestId: string };

class EnqueueTimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EnqueueTimeoutError(`enqueue took over ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function answerText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    })
    .end(text);
}

/** The success answer: an empty TwiML document, so Twilio sends no reply of its own. */
function answerTwiml(res: ServerResponse): void {
  res.writeHead(200, TWIML_HEADERS).end(EMPTY_TWIML);
}

/** Reads and authenticates the form; answers the error itself and returns undefined on failure. */
async function readSignedForm(deps: WebhookDeps, { req, res }: Exchange): Promise<Record<string, string> | undefined> {
  let form: Record<string, string>;
  try {
    form = await readFormBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      // The rest of the body is not read: close the connection rather than reuse it.
      answerText(res, 413, 'request body too large', { connection: 'close' });
      return undefined;
    }
    throw error;
  }
  const signature = req.headers['x-twilio-signature'];
  const url = deps.config.publicBaseUrl + req.url;
  if (typeof signature !== 'string' || !validateRequest(deps.config.twilio.authToken, signature, url, form)) {
    answerText(res, 403, 'invalid Twilio signature');
    return undefined;
  }
  return form;
}

function answerUnavailable(deps: WebhookDeps, { res, requestId }: Exchange, error: unknown, messageSid: string): void {
  deps.logger.error(
    { requestId, err: (error as Error).message, messageSid },
    'could not enqueue webhook; answering 503',
  );
  answerText(res, 503, 'temporarily unavailable', { 'retry-after': '1' });
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Answers POSTs to the two webhook paths and returns true; returns false, touching nothing, for
 * any other request, which then goes to the Express app.
 */
export function makeTwilioWebhooks(deps: WebhookDeps): WebhookHandler {
  const inbound = deps.queues[QUEUE.inbound];
  const statuses = deps.queues[QUEUE.messageStatus];
  const recordArrival = makeArrivalRecorder(deps.redis, deps.keys);
  const replicated = makeReplicaWait(deps.redis);
  const seal = jobSeal(deps.config.senderKeySecret);
  const logRequest = makeRequestLogger(deps);

  const receiveInbound = async (exchange: Exchange): Promise<void> => {
    const form = await readSignedForm(deps, exchange);
    if (!form) return;
    const parsed = parseInboundWebhook(form, deps.clock.now(), deps.config.twilio);
    if (!parsed.ok) {
      answerText(exchange.res, 400, `malformed webhook: ${parsed.reason}`);
      return;
    }
    const { job: message } = parsed;
    const phone = phoneFromWhatsAppAddress(message.from)!;
    // Sealed: Redis and Bull Board never hold the number or the text (which may be a code). The
    // trace context goes along in the clear: the job's span continues this request's trace.
    const job = toInboundJob(message, seal, deps.keys, injectTraceContext());
    setSpanAttributes({ [SPAN_ATTR.messageSid]: job.messageSid, [SPAN_ATTR.queue]: QUEUE.inbound });
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
      // On a cluster, 200 only once a replica holds the job and its number: a master lost now
      // loses neither. A replica that does not answer in time is warned about, not failed on:
      // a cluster short of replicas keeps taking messages.
      if (replicated !== undefined) {
        const held = await Promise.all([
          replicated(inbound.toKey(job.messageSid)),
          replicated(deps.keys.senderSequence(phone)),
        ]);
        if (held.includes(false)) {
          deps.logger.warn(
            { requestId: exchange.requestId, messageSid: job.messageSid },
            'no replica confirmed the job',
          );
        }
      }
    } catch (error) {
      answerUnavailable(deps, exchange, error, job.messageSid);
      return;
    }
    deps.logger.debug(
      {
        requestId: exchange.requestId,
        messageSid: job.messageSid,
        from: job.from,
        media: message.media.length,
      },
      'inbound queued',
    );
    answerTwiml(exchange.res);
  };

  const receiveStatus = async (exchange: Exchange): Promise<void> => {
    const form = await readSignedForm(deps, exchange);
    if (!form) return;
    const parsed = parseStatusWebhook(form, deps.clock.now());
    if (!parsed.ok) {
      answerText(exchange.res, 400, `malformed webhook: ${parsed.reason}`);
      return;
    }
    const { to, ...fields } = parsed.job;
    if (!needsDeliveryAction(fields)) {
      // "sent", "delivered", "read": nothing to do but count. About two per reply, they were most
      // of the status jobs and cost more than the reply itself (decision 0020).
      deps.metrics.deliveryStatus.inc({ status: fields.messageStatus });
      answerTwiml(exchange.res);
      return;
    }
    // Only a failure becomes a job: its recipient, sealed, may mark the number unreachable.
    const job = { ...fields, ...(to !== undefined && { sealedTo: seal.seal(to) }) };
    try {
      // One job per message and status; '-' because BullMQ refuses ':' in custom job ids.
      await withTimeout(
        // Kept by nobody once handled; a repeated callback is still handled once (the
        // message-status marker of the processor).
        statuses.add(JOB.messageStatus, job, {
          jobId: `${job.messageSid}-${job.messageStatus}`,
          removeOnComplete: true,
        }),
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      answerUnavailable(deps, exchange, error, job.messageSid);
      return;
    }
    answerTwiml(exchange.res);
  };

  const receivers = new Map<string, (exchange: Exchange) => Promise<void>>([
    [WEBHOOK_PATHS.inbound, receiveInbound],
    [WEBHOOK_PATHS.status, receiveStatus],
  ]);
  return (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const receive = receivers.get(path);
    if (req.method !== 'POST' || !receive) return false;
    const exchange = { req, res, requestId: logRequest(req, res) };
    // The root of the message's trace: Twilio sends no trace context, and one from the internet
    // is not trusted to parent ours.
    const attributes = { [ATTR_HTTP_REQUEST_METHOD]: 'POST', [ATTR_HTTP_ROUTE]: path };
    void withSpan(
      `POST ${path}`,
      attributes,
      async (span) => {
        const failed = await receive(exchange).then(
          () => false,
          (error: unknown) => {
            deps.logger.error(
              { requestId: exchange.requestId, err: String((error as Error)?.message) },
              'webhook failed',
            );
            if (res.headersSent) res.destroy();
            else answerText(res, 500, 'internal error');
            markFailed(span, error);
            return true;
          },
        );
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
        // A 503 (Redis unreachable) is a failure too; 4xx are the caller's.
        if (!failed && res.statusCode >= 500) failSpan(span, String(res.statusCode));
      },
      { kind: SpanKind.SERVER, root: true },
    );
    return true;
  };
}
