// The local switches for what WhatsApp decides after Twilio has accepted a message, so a developer
// (`npm run chat`) or a test can try the failures Twilio only reports in status callbacks:
//   POST /_local/whatsapp-window  To=whatsapp:+44...&Open=false|true
//   POST /_local/delivery-errors  To=whatsapp:+44...&ErrorCode=63024[&Status=failed|undelivered]
//                                 (an empty or missing ErrorCode clears it)
// Each takes a form or a JSON object with the same names, and answers 200 with the number's state.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isE164 } from '../../phone';
import { LocalTwilioError, readBody, sendJson } from './http-io';
import type { MessagesStore } from './messages-store';
import { bareAddress } from './sids';

const MAX_BODY_BYTES = 4 * 1024;
const ERROR_CODE = /^[0-9]{5}$/;

const invalid = (message: string) => new LocalTwilioError(400, 20001, message);

/** The request's fields, from a JSON object or a form; JSON booleans and numbers become text. */
async function readFields(req: IncomingMessage): Promise<Map<string, string>> {
  const text = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return new Map(new URLSearchParams(text));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('The body is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('The body is not a JSON object');
  const fields = new Map<string, string>();
  for (const [name, value] of Object.entries(json))
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields.set(name, String(value));
  return fields;
}

function recipient(fields: Map<string, string>): string {
  const to = bareAddress(fields.get('To') ?? '');
  if (!isE164(to)) throw new LocalTwilioError(400, 21211, "Invalid 'To' Phone Number");
  return to;
}

export function makeWhatsAppSwitches(messages: MessagesStore) {
  return {
    /** Answers the request if it is one of the switches; false when it is not. */
    async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      if (req.method !== 'POST') return false;
      if (url.pathname === '/_local/whatsapp-window') {
        const fields = await readFields(req);
        const to = recipient(fields);
        const open = fields.get('Open');
        if (open !== 'true' && open !== 'false') throw invalid('Open must be true or false');
        messages.setWindow(to, open === 'true');
        sendJson(res, 200, { to, open: messages.isWindowOpen(to) });
        return true;
      }
      if (url.pathname === '/_local/delivery-errors') {
        const fields = await readFields(req);
        const to = recipient(fields);
        const code = fields.get('ErrorCode') ?? '';
        const status = fields.get('Status') ?? 'failed';
        if (code !== '' && !ERROR_CODE.test(code)) throw invalid('ErrorCode must be a Twilio error code, or empty');
        if (status !== 'failed' && status !== 'undelivered') throw invalid('Status must be failed or undelivered');
        messages.setDeliveryError(to, code === '' ? undefined : Number(code), status);
        const set = messages.deliveryError(to);
        sendJson(res, 200, { to, error_code: set?.errorCode ?? null, status: set?.status ?? null });
        return true;
      }
      return false;
    },
  };
}
