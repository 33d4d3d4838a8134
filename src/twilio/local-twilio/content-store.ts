// The Content API's templates (content.v1.content) the stand-in knows, and how a message created
// with ContentSid and ContentVariables becomes text. One built-in template, the claim update the
// service sends outside WhatsApp's 24-hour window (config's LOCAL_CLAIM_UPDATE_CONTENT_SID).
import type { Clock } from '../../clock';
import { LOCAL_CLAIM_UPDATE_CONTENT_SID } from '../../config';
import { LocalTwilioError } from './http-io';

export type LocalContent = {
  sid: string;
  accountSid: string;
  friendlyName: string;
  language: string;
  /** Default placeholder values, used for a variable the message does not give. */
  variables: Record<string, string>;
  types: { 'twilio/text': { body: string } };
  dateCreated: Date;
  dateUpdated: Date;
};

const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
// Twilio refuses a variable value with a newline, a tab or more than four spaces in a row (21656).
const BAD_VALUE = /[\n\t]| {5,}/;

/** Twilio's 21655, for a ContentSid that is malformed or names no template of the account. */
export const invalidContentSid = () => new LocalTwilioError(400, 21655, 'The ContentSid is Invalid');
/** Twilio's 21656, for ContentVariables that are not a JSON object of non-empty values. */
const invalidVariables = () => new LocalTwilioError(400, 21656, 'The ContentVariables Parameter is invalid');

/** As GET /v1/Content/{sid} answers; the Content API writes dates in ISO 8601, not RFC 2822. */
export function contentJson(c: LocalContent, baseUrl: string) {
  const url = `${baseUrl}/v1/Content/${c.sid}`;
  return {
    account_sid: c.accountSid,
    date_created: isoSeconds(c.dateCreated),
    date_updated: isoSeconds(c.dateUpdated),
    friendly_name: c.friendlyName,
    language: c.language,
    links: { approval_create: `${url}/ApprovalRequests/whatsapp`, approval_fetch: `${url}/ApprovalRequests` },
    sid: c.sid,
    types: c.types,
    url,
    variables: c.variables,
  };
}

/** As GET /v1/Content answers: one page, the records under `contents` and paging in `meta`. */
export function contentPageJson(list: LocalContent[], baseUrl: string, pageSize: number) {
  const url = `${baseUrl}/v1/Content?PageSize=${pageSize}&Page=0`;
  return {
    contents: list.slice(0, pageSize).map((c) => contentJson(c, baseUrl)),
    meta: {
      first_page_url: url,
      key: 'contents',
      next_page_url: null,
      page: 0,
      page_size: pageSize,
      previous_page_url: null,
      url,
    },
  };
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function makeContentStore(options: { accountSid: string; clock: Clock }) {
  const created = options.clock.now();
  const templates = new Map<string, LocalContent>([
    [
      LOCAL_CLAIM_UPDATE_CONTENT_SID,
      {
        sid: LOCAL_CLAIM_UPDATE_CONTENT_SID,
        accountSid: options.accountSid,
        friendlyName: 'claim_update',
        language: 'en',
        variables: { '1': 'RR-ABC123', '2': 'your claim has been updated' },
        types: { 'twilio/text': { body: 'Update on your RailRepay claim {{1}}: {{2}}' } },
        dateCreated: created,
        dateUpdated: created,
      },
    ],
  ]);

  return {
    get(sid: string): LocalContent | undefined {
      return templates.get(sid);
    },
    list(): LocalContent[] {
      return [...templates.values()];
    },
    /**
     * The text a message with this ContentSid and ContentVariables (a JSON string, or none) carries:
     * each {{n}} replaced by its value, or by the template's default when the message gives none.
     */
    render(contentSid: string, variablesJson: string | null): string {
      if (!CONTENT_SID.test(contentSid)) throw invalidContentSid();
      const template = templates.get(contentSid);
      if (template === undefined) throw invalidContentSid();
      const given = parseVariables(variablesJson);
      return template.types['twilio/text'].body.replace(
        PLACEHOLDER,
        (placeholder, name: string) => given[name] ?? template.variables[name] ?? placeholder,
      );
    },
  };
}
export type ContentStore = ReturnType<typeof makeContentStore>;

function parseVariables(text: string | null): Record<string, string> {
  if (text === null || text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidVariables();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidVariables();
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' && typeof value !== 'number') throw invalidVariables();
    const text = String(value);
    if (text === '' || BAD_VALUE.test(text)) throw invalidVariables();
    values[name] = text;
  }
  return values;
}
