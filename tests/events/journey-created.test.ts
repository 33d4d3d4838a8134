// journey.created as PRODUCT.md specifies it for journey-matcher, and the London-time form of its
// two datetimes (src/journeys/london-time.ts).
import { randomUUID } from 'node:crypto';
import { EVENT_CATALOG, journeyCreated, journeyCreatedPayload } from '../../src/events';
import { toLondonIso } from '../../src/journeys/london-time';
import { addDays, londonDateTime } from '../../src/journeys/london-time';

const journeyId = randomUUID();
const userId = randomUUID();
const valid = {
  journeyId,
  userId,
  reference: 'RR-7K3F9Q',
  originCrs: 'KGX',
  destinationCrs: 'EDB',
  departureDatetime: '2026-07-14T08:05:00+01:00',
  arrivalDatetime: '2026-07-14T12:29:00+01:00',
  journeyType: 'single' as const,
  mediaCount: 2,
};

describe('journey.created', () => {
  test('carries exactly the fields journey-matcher consumes, with the journey as its aggregate', () => {
    const event = journeyCreated({ ...valid, correlationId: 'SMyes' });

    expect(event).toEqual({
      aggregateType: 'journey',
      aggregateId: journeyId,
      eventType: 'journey.created',
      correlationId: 'SMyes',
      payload: {
        journey_id: journeyId,
        user_id: userId,
        reference: 'RR-7K3F9Q',
        origin_crs: 'KGX',
        destination_crs: 'EDB',
        departure_datetime: '2026-07-14T08:05:00+01:00',
        arrival_datetime: '2026-07-14T12:29:00+01:00',
        journey_type: 'single',
        ticket: { media_count: 2 },
        reported_via: 'whatsapp',
      },
    });
    expect(EVENT_CATALOG['journey.created'].aggregateType).toBe('journey');
  });

  test('a winter journey carries +00:00 and a journey with no ticket a media count of 0', () => {
    const event = journeyCreated({
      ...valid,
      departureDatetime: '2026-11-15T14:30:00+00:00',
      arrivalDatetime: '2026-11-15T19:02:00+00:00',
      journeyType: 'return',
      mediaCount: 0,
    });

    expect(event.payload).toMatchObject({
      departure_datetime: '2026-11-15T14:30:00+00:00',
      journey_type: 'return',
      ticket: { media_count: 0 },
    });
  });

  test.each([
    ['a lower-case CRS code', { originCrs: 'kgx' }],
    ['a CRS code of four letters', { destinationCrs: 'EDBX' }],
    ['a UTC time written with Z', { departureDatetime: '2026-07-14T07:05:00Z' }],
    ['the right instant with a winter offset in summer', { departureDatetime: '2026-07-14T07:05:00+00:00' }],
    ['an offset London never has', { arrivalDatetime: '2026-07-14T13:29:00+02:00' }],
    ['a date with no time', { arrivalDatetime: '2026-07-14' }],
    ['a reference with a letter Crockford leaves out', { reference: 'RR-7K3F9O' }],
    ['a reference of the wrong length', { reference: 'RR-7K3F9' }],
    ['a journey type other than single or return', { journeyType: 'season' }],
    ['a negative media count', { mediaCount: -1 }],
    ['a fractional media count', { mediaCount: 1.5 }],
  ])('refuses %s', (_what, change) => {
    expect(() => journeyCreated({ ...valid, ...(change as Partial<typeof valid>) })).toThrow();
  });

  test('the payload schema refuses a URL or bytes beside the ticket count, and any extra field', () => {
    const payload = journeyCreated(valid).payload;

    expect(journeyCreatedPayload.safeParse(payload).success).toBe(true);
    expect(journeyCreatedPayload.safeParse({ ...payload, ticket: { media_count: 1, url: 'https://x' } }).success).toBe(
      false,
    );
    expect(journeyCreatedPayload.safeParse({ ...payload, phone_number: '+447700900123' }).success).toBe(false);
    expect(journeyCreatedPayload.safeParse({ ...payload, reported_via: 'sms' }).success).toBe(false);
  });
});

describe('toLondonIso', () => {
  test('writes summer instants with +01:00 and winter ones with +00:00', () => {
    expect(toLondonIso(new Date('2026-07-14T07:05:00Z'))).toBe('2026-07-14T08:05:00+01:00');
    expect(toLondonIso(new Date('2026-11-15T14:30:00Z'))).toBe('2026-11-15T14:30:00+00:00');
  });

  test('writes midnight as 00, and the London date when it differs from the UTC one', () => {
    expect(toLondonIso(new Date('2026-07-13T23:00:00Z'))).toBe('2026-07-14T00:00:00+01:00');
    expect(toLondonIso(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12-31T23:59:59+00:00');
  });

  test('tells apart the two 01:30s of the night the clocks go back', () => {
    expect(toLondonIso(new Date('2026-10-25T00:30:00Z'))).toBe('2026-10-25T01:30:00+01:00');
    expect(toLondonIso(new Date('2026-10-25T01:30:00Z'))).toBe('2026-10-25T01:30:00+00:00');
  });

  test('jumps from 00:59 GMT to 02:00 BST the night the clocks go forward', () => {
    expect(toLondonIso(new Date('2026-03-29T00:59:00Z'))).toBe('2026-03-29T00:59:00+00:00');
    expect(toLondonIso(new Date('2026-03-29T01:00:00Z'))).toBe('2026-03-29T02:00:00+01:00');
  });

  test('writes milliseconds only when there are some, and refuses an invalid date', () => {
    expect(toLondonIso(new Date('2026-07-14T07:05:00.250Z'))).toBe('2026-07-14T08:05:00.250+01:00');
    expect(() => toLondonIso(new Date('nonsense'))).toThrow(RangeError);
  });

  test('gives back, for every day of a year, the same text londonDateTime makes for a wall-clock time', () => {
    const mismatches: string[] = [];
    for (let day = 0; day < 366; day++) {
      const date = addDays('2026-01-01', day);
      for (const [hh, mm] of [
        [0, 0],
        [1, 30],
        [2, 30],
        [8, 5],
        [23, 59],
      ] as const) {
        const iso = londonDateTime(date, hh, mm);
        const instant = new Date(iso);
        if (toLondonIso(instant) !== iso) mismatches.push(iso);
        if (new Date(toLondonIso(instant)).getTime() !== instant.getTime()) mismatches.push(`${iso} (instant)`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
