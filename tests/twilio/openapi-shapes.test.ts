// The stand-in's answers are checked against Twilio's own OpenAPI description: every field it
// returns is a documented property, every documented property is returned, and SIDs match the
// documented patterns.
import type { LocalTwilio } from '../../src/twilio/local-twilio';
import { ACCOUNT_SID, AUTH_TOKEN, FROM, SERVICE_SID, startStandIn } from './helpers';
// Twilio's own schemas, copied from its OpenAPI descriptions by scripts/extract-twilio-schemas.mjs.
import described from './twilio-oai-schemas.json';

type Schema = { properties: Record<string, { pattern?: string }> };

function schema(name: keyof typeof described.schemas): Schema {
  return described.schemas[name] as Schema;
}

function expectShape(body: Record<string, unknown>, described: Schema): void {
  expect(Object.keys(body).filter((key) => !(key in described.properties))).toEqual([]);
  // The description marks nothing as required; the client reads every documented field, so all are sent.
  expect(Object.keys(described.properties).filter((key) => !(key in body))).toEqual([]);
  for (const [key, value] of Object.entries(body)) {
    const pattern = described.properties[key]?.pattern;
    if (pattern !== undefined && typeof value === 'string') expect(value).toMatch(new RegExp(pattern));
  }
}

function wrongCodeFor(standIn: LocalTwilio, to: string): string {
  return standIn.lastCode(to) === '000000' ? '111111' : '000000';
}

const auth = { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` };

async function post(
  url: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Local stand-in responses against the Twilio OpenAPI description', () => {
  let standIn: LocalTwilio;

  beforeEach(async () => {
    ({ standIn } = await startStandIn());
  });
  afterEach(async () => {
    await standIn.close();
  });

  const to = '+447700900123';
  const start = (base: string) => post(`${base}/Verifications`, { To: to, Channel: 'sms' });
  // The stand-in's codes are random: never check the one it issued, so no check approves.
  const wrongCheck = (base: string) => post(`${base}/VerificationCheck`, { To: to, Code: wrongCodeFor(standIn, to) });

  it('answers Messages.json POST with 201 and documented message fields', async () => {
    const { status, body } = await post(`${standIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      To: 'whatsapp:+447700900123',
      From: FROM,
      Body: 'hi',
    });

    expect(status).toBe(201);
    expectShape(body, schema('api.v2010.account.message'));
    expect(body).toMatchObject({ account_sid: ACCOUNT_SID, direction: 'outbound-api', status: 'queued' });
  });

  it('answers Verifications POST with 201 and VerificationCheck with 200, in documented fields', async () => {
    const base = `${standIn.url}/v2/Services/${SERVICE_SID}`;

    const started = await post(`${base}/Verifications`, { To: '+447700900123', Channel: 'sms' });
    const checked = await post(`${base}/VerificationCheck`, {
      To: '+447700900123',
      Code: standIn.lastCode('+447700900123')!,
    });

    expect(started.status).toBe(201);
    expectShape(started.body, schema('verify.v2.service.verification'));
    expect(started.body).toMatchObject({ service_sid: SERVICE_SID, status: 'pending', valid: false });
    expect(checked.status).toBe(200);
    expectShape(checked.body, schema('verify.v2.service.verification_check'));
    expect(checked.body).toMatchObject({ status: 'approved', valid: true, sid: started.body.sid });
  });

  it('answers a Verification update to Status=canceled with 200 and documented fields, by SID or by number', async () => {
    const base = `${standIn.url}/v2/Services/${SERVICE_SID}`;

    const first = await start(base);
    const resent = await start(base);
    const bySid = await post(`${base}/Verifications/${String(first.body.sid)}`, { Status: 'canceled' });
    await start(base);
    const byNumber = await post(`${base}/Verifications/${encodeURIComponent(to)}`, { Status: 'canceled' });

    expect(resent.body).toMatchObject({ sid: first.body.sid, status: 'pending' });
    expect(resent.body.send_code_attempts).toEqual([
      expect.objectContaining({ channel: 'sms', attempt_sid: expect.stringMatching(/^VL[0-9a-f]{32}$/) }),
      expect.objectContaining({ channel: 'sms', attempt_sid: expect.stringMatching(/^VL[0-9a-f]{32}$/) }),
    ]);
    for (const updated of [bySid, byNumber]) {
      expect(updated.status).toBe(200);
      expectShape(updated.body, schema('verify.v2.service.verification'));
      expect(updated.body).toMatchObject({ to, status: 'canceled', valid: false });
    }
    expect(bySid.body.sid).toBe(first.body.sid);
    expect(byNumber.body.sid).not.toBe(first.body.sid);
  });

  it.each([
    [
      'an update with nothing pending',
      404,
      20404,
      async (base: string) => post(`${base}/Verifications/${to}`, { Status: 'canceled' }),
    ],
    [
      'an update to a status it cannot be set to',
      400,
      60200,
      async (base: string) => {
        await start(base);
        return post(`${base}/Verifications/${to}`, { Status: 'pending' });
      },
    ],
    [
      'the 6th check of one verification',
      429,
      60202,
      async (base: string) => {
        await start(base);
        for (let i = 0; i < 5; i += 1) await wrongCheck(base);
        return wrongCheck(base);
      },
    ],
    [
      'the 6th send of one verification',
      429,
      60203,
      async (base: string) => {
        for (let i = 0; i < 5; i += 1) await start(base);
        return start(base);
      },
    ],
  ] as const)("answers %s with %d and Twilio's error body for %d", async (_, status, code, request) => {
    const answer = await request(`${standIn.url}/v2/Services/${SERVICE_SID}`);

    expect(answer.status).toBe(status);
    expect(Object.keys(answer.body).sort()).toEqual(['code', 'message', 'more_info', 'status']);
    expect(answer.body).toMatchObject({ code, status, more_info: `https://www.twilio.com/docs/errors/${code}` });
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it('answers a Media instance .json GET with 200 and documented media fields', async () => {
    const media = standIn.addMedia({ bytes: Buffer.from('%PDF-1.7'), contentType: 'application/pdf' });

    const response = await fetch(`${media.url}.json`, { headers: auth });
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expectShape(body, schema('api.v2010.account.message.media'));
    expect(body).toMatchObject({ sid: media.mediaSid, parent_sid: media.messageSid, content_type: 'application/pdf' });
  });

  it("answers a message's Media.json list with the documented page fields and media items", async () => {
    const media = standIn.addMedia({ bytes: Buffer.from('%PDF-1.7'), contentType: 'application/pdf' });

    const response = await fetch(
      `${standIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${media.messageSid}/Media.json`,
      {
        headers: auth,
      },
    );
    const body = (await response.json()) as { media_list: Record<string, unknown>[] } & Record<string, unknown>;

    expect(response.status).toBe(200);
    // ListMediaResponse is described inline in the path, not as a named schema.
    expect(Object.keys(body).sort()).toEqual(
      [
        'end',
        'first_page_uri',
        'media_list',
        'next_page_uri',
        'page',
        'page_size',
        'previous_page_uri',
        'start',
        'uri',
      ].sort(),
    );
    expect(body.media_list).toHaveLength(1);
    expectShape(body.media_list[0]!, schema('api.v2010.account.message.media'));
  });

  it('answers a Media DELETE with 204 and no body, as documented', async () => {
    const media = standIn.addMedia({ bytes: Buffer.from('%PDF-1.7'), contentType: 'application/pdf' });

    const response = await fetch(`${media.url}.json`, { method: 'DELETE', headers: auth });

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('answers an unknown Verify service with 404 and code 20404', async () => {
    const { status, body } = await post(`${standIn.url}/v2/Services/VA${'0'.repeat(32)}/Verifications`, {
      To: '+447700900123',
      Channel: 'sms',
    });

    expect(status).toBe(404);
    expect(body).toMatchObject({ code: 20404, status: 404 });
  });
});
