// Reporting a delayed journey end to end: real web and worker processes, signed webhooks, the
// local Twilio stand-in serving the ticket photo; the journey row, its stored bytes, the deletion
// at Twilio and the published journey.created are checked at the end.
import { eventually } from '../support/eventually';
import { readStream } from '../outbox/stream-helpers';
import { REDIS_MODES } from '../support/redis-modes';
import { ACCOUNT_SID, AUTH_TOKEN, startStack, type Stack } from './stack';

const PHONE = '+447700900401';
// The smallest real JPEG header and end: what the service checks is the bytes, not the name.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7), Buffer.from([0xff, 0xd9])]);

describe.each(REDIS_MODES)('reporting a delayed journey end to end (%s Redis)', (mode) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ redis: mode, workers: 1 });
  }, 60_000);
  afterAll(() => stack?.stop(), 30_000);

  const replies = () => stack.twilio.messagesTo(`whatsapp:${PHONE}`).map((m) => m.body);

  /** Sends one message (with media, if any) and waits for its one reply. */
  async function send(body: string, media: Array<{ url: string; contentType: string }> = []): Promise<string> {
    const before = replies().length;
    const { status } = await stack.webhooks.inbound({ from: PHONE, body, media });
    expect(status).toBe(200);
    return eventually(
      () => {
        const list = replies();
        expect(list.length).toBeGreaterThan(before);
        return list[before]!;
      },
      { timeoutMs: 20_000, what: `the reply to ${JSON.stringify(body)}` },
    );
  }

  it('walks a verified passenger from 1 to YES and commits the journey, its photo and journey.created', async () => {
    await send('Hi');
    await send('YES');
    await send(stack.twilio.lastCode(PHONE)!);

    expect(await send('1')).toMatch(/date/i);
    expect(await send('yesterday')).toMatch(/station|from/i);
    const choices = await send('kings x to manchster');
    const line = choices.split('\n').find((l) => l.includes('Manchester Piccadilly (MAN)'));
    expect(line).toMatch(/^\*\d\* Manchester Piccadilly \(MAN\)$/);
    const number = /^\*(\d)\*/.exec(line!)![1]!;
    expect(await send(number)).toMatch(/depart/i);
    expect(await send('8:05am')).toMatch(/arriv/i);
    expect(await send('10:14')).toMatch(/single|return/i);
    expect(await send('single')).toMatch(/photo|ticket/i);
    const photo = stack.twilio.addMedia({ bytes: JPEG, contentType: 'image/jpeg' });
    const summary = await send('', [{ url: photo.url, contentType: 'image/jpeg' }]);
    expect(summary).toContain('Manchester Piccadilly');
    expect(summary.replace(/['’]/g, '')).toContain('Kings Cross');
    const confirmation = await send('YES');
    const reference = /RR-[0-9A-Z]{6}/.exec(confirmation)?.[0];
    expect(reference).toBeDefined();

    const { rows } = await stack.database.pool.query<{
      id: string;
      origin_crs: string;
      destination_crs: string;
      journey_type: string;
      departure: string;
      arrival: string;
    }>(
      `select id, origin_crs, destination_crs, journey_type,
              to_char(departure_datetime at time zone 'Europe/London', 'HH24:MI') as departure,
              to_char(arrival_datetime at time zone 'Europe/London', 'HH24:MI') as arrival
         from whatsapp_handler.journeys where reference = $1`,
      [reference],
    );
    expect(rows).toEqual([
      expect.objectContaining({
        origin_crs: 'KGX',
        destination_crs: 'MAN',
        journey_type: 'single',
        departure: '08:05',
        arrival: '10:14',
      }),
    ]);
    const files = await stack.database.pool.query<{ bytes: Buffer; content_type: string }>(
      `select bytes, content_type from whatsapp_handler.journey_ticket_files where journey_id = $1`,
      [rows[0]!.id],
    );
    expect(files.rows).toEqual([{ bytes: JPEG, content_type: 'image/jpeg' }]);
    // Deleted at Twilio once stored here: the media URL answers 404.
    const auth = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');
    expect((await fetch(photo.url, { headers: { authorization: `Basic ${auth}` } })).status).toBe(404);

    const event = await eventually(
      async () => {
        const found = (await readStream(stack.redis, `${stack.prefix}:events`)).find(
          (e) => e.event_type === 'journey.created',
        );
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 15_000, what: 'journey.created on the stream' },
    );
    expect(event.payload).toEqual({
      journey_id: rows[0]!.id,
      user_id: expect.any(String),
      reference,
      origin_crs: 'KGX',
      destination_crs: 'MAN',
      departure_datetime: expect.stringMatching(/T08:05:00\+0[01]:00$/),
      arrival_datetime: expect.stringMatching(/T10:14:00\+0[01]:00$/),
      journey_type: 'single',
      ticket: { media_count: 1 },
      reported_via: 'whatsapp',
    });
    expect(await send('STATUS')).toContain(reference!);
  });
});
